//! hyper answers a request head it cannot parse by itself, before any service sees it: a
//! garbage request line gets 400, a head beyond its buffer 431, a URI too long 414, each with
//! an empty body. These are rewritten on their way to the socket into answers in our JSON
//! error format (`ApiErrorBody`), as every other error is.

use axum::http::StatusCode;
use lotse_protocol::{ApiErrorBody, ErrorCode};

/// Our answer in place of hyper's, if `written` (the start of what hyper writes to a
/// connection with no request in progress) is one of hyper's automatic answers: 400, 414 or
/// 431 without a content type, which no such answer of ours lacks.
pub fn replacement(written: &[u8]) -> Option<Vec<u8>> {
    let head_end = written.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&written[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()?
        .strip_prefix("HTTP/1.1 ")?
        .get(..3)?
        .parse()
        .ok()?;
    let typed = lines.any(|line| {
        line.split_once(':')
            .is_some_and(|(name, _)| name.eq_ignore_ascii_case("content-type"))
    });
    let status = StatusCode::from_u16(status).ok()?;
    let (error, message) = match status {
        _ if typed => return None,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE | StatusCode::URI_TOO_LONG => {
            (ErrorCode::PayloadTooLarge, "the request head is too large")
        }
        StatusCode::BAD_REQUEST => (
            ErrorCode::MalformedRequest,
            "the request head cannot be read",
        ),
        _ => return None,
    };
    let body = serde_json::to_vec(&ApiErrorBody {
        error,
        message: message.to_owned(),
    })
    .ok()?;
    let mut answer = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         x-content-type-options: nosniff\r\nconnection: close\r\n\r\n",
        status.as_str(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    Some(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_own_answers_become_json_and_ours_pass() {
        let hyper = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\
                      date: Mon, 07 Dec 2026 00:00:00 GMT\r\n\r\n";
        let answer = String::from_utf8(replacement(hyper).expect("replaced")).expect("text");
        assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
        assert!(answer.ends_with(
            r#"{"error":"payload_too_large","message":"the request head is too large"}"#
        ));
        let garbage = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n";
        let answer = String::from_utf8(replacement(garbage).expect("replaced")).expect("text");
        assert!(
            answer.contains(r#""error":"malformed_request""#),
            "{answer}"
        );
        let ours = b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\r\n{}";
        assert!(replacement(ours).is_none());
        let fine = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert!(replacement(fine).is_none());
        // A page fragment's bodiless 409 is ours.
        let conflict = b"HTTP/1.1 409 Conflict\r\ncontent-length: 0\r\n\r\n";
        assert!(replacement(conflict).is_none());
    }
}
