//! The SSE client's parsing: arbitrary bytes, in arbitrary chunks, through the same
//! `eventsource-stream` decoding `event_stream::subscribe` uses, each message read with
//! `event_stream::read_message`. An event that decodes must keep its id.
#![no_main]

use eventsource_stream::Eventsource;
use futures::StreamExt;
use libfuzzer_sys::fuzz_target;
use lotse_protocol::event_stream::{Message, read_message};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(first) + 1;
    let chunks: Vec<Result<Vec<u8>, std::convert::Infallible>> =
        rest.chunks(chunk).map(|c| Ok(c.to_vec())).collect();
    futures::executor::block_on(async {
        let mut messages = futures::stream::iter(chunks).eventsource();
        while let Some(message) = messages.next().await {
            let Ok(message) = message else {
                // A broken stream: the subscription reconnects.
                continue;
            };
            match read_message(&message.event, &message.data, &message.id) {
                Message::Event(event) => {
                    let written = serde_json::to_string(&event).expect("serializes");
                    let again = read_message("", &written, "");
                    assert_eq!(again, Message::Event(event));
                }
                Message::KeepAlive | Message::Skipped { .. } => {}
            }
        }
    });
});
