//! PDF decoding in worker processes. (Being written.)
