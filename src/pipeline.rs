//! The stages put together: one file in, one [`FileRecord`] out; a batch of
//! files in, datasets out. (Being written.)
