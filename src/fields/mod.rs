//! Stage 4: the fields of each logical document. (Being written.)
