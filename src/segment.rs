//! Stage 3: clean lines → logical documents. (Being written.)
