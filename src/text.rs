//! Stage 2: page text → clean lines. (Being written.)
