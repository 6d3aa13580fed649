//! Stage 3: the fields of each document. One module per part of a
//! document; they read lines and return values, and never call each other
//! (but for [`outcome`], the reading of one sak's text, which items and
//! case papers share).

pub mod header;
pub mod items;
pub mod memo;
pub mod outcome;
pub mod participants;
pub mod references;
