//! One-line recognisers with no knowledge of the stages: item
//! identifiers, sak numbers, labels, titles, people, decision sentences.
//! Vocabulary comes from the rules; structure is decided by the stages.

pub mod ident;
pub mod labels;
pub mod outcome;
pub mod person;
pub mod sak;
pub mod titles;
