//! Reading numbers aloud: ticket letters are spelled, numbers read as numbers
//! (`number.42`, text "42", which the engine says in its language) or digit by digit
//! (`digit.4`, `digit.2`). Leading zeros of a ticket are not said (`A-042` is "A 42").

use crate::phrase::{NumberReading, Segment, separator_pause, word};

/// `A-042` → `letter.A`, then the number.
pub fn ticket(number: &str, reading: NumberReading) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut digits = String::new();
    let flush = |digits: &mut String, segments: &mut Vec<Segment>| {
        if !digits.is_empty() {
            let trimmed = digits.trim_start_matches('0');
            let value = if trimmed.is_empty() { "0" } else { trimmed };
            segments.extend(number_segments(value, reading));
            digits.clear();
        }
    };
    for c in number.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        flush(&mut digits, &mut segments);
        if c.is_alphabetic() {
            segments.extend(letter(c));
        } else {
            separator_pause(&mut segments);
        }
    }
    flush(&mut digits, &mut segments);
    segments
}

/// A desk's number: `3` is a number; `1.04` or `0.08` (room numbers, with leading zeros)
/// are read character by character with a short pause at the dot.
pub fn place(number: &str, reading: NumberReading) -> Vec<Segment> {
    let plain = !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
        && (number == "0" || !number.starts_with('0'));
    if plain {
        return number_segments(number, reading);
    }
    let mut segments = Vec::new();
    for c in number.chars() {
        if c.is_ascii_digit() {
            segments.push(digit(c));
        } else if c.is_alphabetic() {
            segments.extend(letter(c));
        } else {
            separator_pause(&mut segments);
        }
    }
    segments
}

fn number_segments(value: &str, reading: NumberReading) -> Vec<Segment> {
    match reading {
        NumberReading::Words => vec![word(&format!("number.{value}"), value)],
        NumberReading::Digits => value.chars().map(digit).collect(),
    }
}

fn digit(c: char) -> Segment {
    word(&format!("digit.{c}"), &c.to_string())
}

fn letter(c: char) -> Option<Segment> {
    c.to_uppercase()
        .next()
        .map(|upper| word(&format!("letter.{upper}"), &upper.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(segments: &[Segment]) -> Vec<&str> {
        segments.iter().map(|s| s.key.as_str()).collect()
    }

    #[test]
    fn letters_are_spelled_and_leading_zeros_dropped() {
        assert_eq!(
            keys(&ticket("A-042", NumberReading::Words)),
            ["letter.A", "number.42"]
        );
        assert_eq!(
            keys(&ticket("A-042", NumberReading::Digits)),
            ["letter.A", "digit.4", "digit.2"]
        );
        assert_eq!(
            keys(&ticket("K-000", NumberReading::Digits)),
            ["letter.K", "digit.0"]
        );
        assert_eq!(
            keys(&ticket("ab7", NumberReading::Words)),
            ["letter.A", "letter.B", "number.7"]
        );
    }

    #[test]
    fn room_numbers_are_read_digit_by_digit_with_a_pause_at_the_dot() {
        assert_eq!(keys(&place("3", NumberReading::Words)), ["number.3"]);
        assert_eq!(
            keys(&place("12", NumberReading::Digits)),
            ["digit.1", "digit.2"]
        );
        let room = place("1.04", NumberReading::Words);
        assert_eq!(keys(&room), ["digit.1", "digit.0", "digit.4"]);
        assert!(room[0].pause_ms > room[1].pause_ms);
    }
}
