//! Norwegian dates and times. (Being written: see the dates helper.)
use crate::rules::Rules;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date { pub year: i32, pub month: u32, pub day: u32 }

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time { pub hour: u32, pub minute: u32 }

impl std::fmt::Display for Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("no date in {0:?}")]
    NotADate(String),
    #[error("impossible date {0:?}")]
    Impossible(String),
    #[error("no year in {0:?} and none known from context")]
    NoYear(String),
}

pub fn parse_date(_text: &str, _default_year: Option<i32>, _rules: &Rules) -> Result<Date, DateError> {
    Err(DateError::NotADate(_text.to_string()))
}

pub fn parse_time_range(_text: &str) -> Option<(Time, Option<Time>)> { None }
