//! Visitor feedback ("How was your visit?"): asked once per visit, when every concern of it
//! is finished; a score of 1-5 (five faces) and an optional comment of at most
//! [`limits::MAX_FEEDBACK_COMMENT_CHARS`] characters. Pure: the command loads the visit's
//! stops and whether feedback was given, asks [`check`], and writes the row.

use std::ops::RangeInclusive;

use lotse_protocol::{StopStatus, limits};

use super::DomainError;

/// The scores, from 1 (very unhappy) to 5 (very happy).
pub const SCORES: RangeInclusive<u8> = 1..=5;

/// Feedback that may be stored: the score in [`SCORES`], the comment trimmed (none if empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub score: u8,
    pub comment: Option<String>,
}

/// Whether a stop still needs something from a desk or the visitor.
fn open(status: StopStatus) -> bool {
    match status {
        StopStatus::Pending
        | StopStatus::Waiting
        | StopStatus::Called
        | StopStatus::Serving
        | StopStatus::Parked => true,
        StopStatus::NoShow | StopStatus::Done | StopStatus::Cancelled | StopStatus::Transferred => {
            false
        }
    }
}

/// What the status page shows about feedback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// A concern is still open: nothing yet.
    NotYet,
    /// "How was your visit?"
    Asked,
    /// Feedback was given: only the thanks.
    Thanked,
}

/// What the status page shows about feedback for a visit with these stops.
pub fn question(stops: &[StopStatus], already_given: bool) -> Question {
    if already_given {
        Question::Thanked
    } else if offered(stops, false) {
        Question::Asked
    } else {
        Question::NotYet
    }
}

/// Whether the question is asked now: every concern finished and no feedback given yet.
pub fn offered(stops: &[StopStatus], already_given: bool) -> bool {
    !already_given && !stops.is_empty() && !stops.iter().copied().any(open)
}

/// What a visitor sent, checked: refused while a concern is open or when feedback was given.
pub fn check(
    stops: &[StopStatus],
    already_given: bool,
    score: i64,
    comment: &str,
) -> Result<Feedback, DomainError> {
    if already_given {
        return Err(DomainError::FeedbackAlreadyGiven);
    }
    if !offered(stops, false) {
        return Err(DomainError::VisitNotFinished);
    }
    let score = u8::try_from(score)
        .ok()
        .filter(|score| SCORES.contains(score))
        .ok_or(DomainError::BadScore)?;
    let comment = comment.trim();
    if comment.chars().count() > limits::MAX_FEEDBACK_COMMENT_CHARS {
        return Err(DomainError::CommentTooLong);
    }
    Ok(Feedback {
        score,
        comment: (!comment.is_empty()).then(|| comment.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use StopStatus::*;

    #[test]
    fn asked_only_when_every_concern_is_finished_and_only_once() {
        assert!(offered(&[Done, Transferred, Done], false));
        assert!(offered(&[NoShow], false));
        assert!(offered(&[Cancelled, Done], false));
        assert!(!offered(&[Done, Done], true));
        assert!(!offered(&[], false));
        assert_eq!(question(&[Done], false), Question::Asked);
        assert_eq!(question(&[Done], true), Question::Thanked);
        assert_eq!(question(&[Done, Waiting], false), Question::NotYet);
        for open in [Pending, Waiting, Called, Serving, Parked] {
            assert!(!offered(&[Done, open], false), "{open:?}");
            assert_eq!(
                check(&[Done, open], false, 5, ""),
                Err(DomainError::VisitNotFinished)
            );
        }
        assert_eq!(
            check(&[Done], true, 5, ""),
            Err(DomainError::FeedbackAlreadyGiven)
        );
    }

    #[test]
    fn score_one_to_five_and_the_comment_trimmed_within_its_limit() {
        for score in [0, 6, -1, 256, i64::MAX] {
            assert_eq!(check(&[Done], false, score, ""), Err(DomainError::BadScore));
        }
        let given = check(&[Done], false, 1, "  \n ").unwrap();
        assert_eq!(
            given,
            Feedback {
                score: 1,
                comment: None
            }
        );
        let given = check(&[Done], false, 5, " Danke! ").unwrap();
        assert_eq!(given.comment.as_deref(), Some("Danke!"));
        // The limit counts characters, not bytes: 500 Arabic letters are fine, 501 are not.
        let limit = "ش".repeat(limits::MAX_FEEDBACK_COMMENT_CHARS);
        assert!(check(&[Done], false, 3, &format!(" {limit} ")).is_ok());
        assert_eq!(
            check(&[Done], false, 3, &format!("{limit}ش")),
            Err(DomainError::CommentTooLong)
        );
    }
}
