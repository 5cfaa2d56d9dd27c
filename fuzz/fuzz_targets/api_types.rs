//! Every wire type of `lotse-protocol` from arbitrary JSON: request bodies the server reads
//! and answers clients read. Whatever parses must write back to JSON that parses to the
//! same value (what we send, we can read).
#![no_main]

use libfuzzer_sys::fuzz_target;
use lotse_protocol as p;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<T>(data: &[u8])
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let Ok(value) = serde_json::from_slice::<T>(data) else {
        return;
    };
    let written = serde_json::to_vec(&value).expect("a parsed value serializes");
    let again: T = serde_json::from_slice(&written).unwrap_or_else(|error| {
        panic!(
            "{} does not read its own JSON {}: {error}",
            std::any::type_name::<T>(),
            String::from_utf8_lossy(&written)
        )
    });
    assert_eq!(value, again, "{}", std::any::type_name::<T>());
}

fuzz_target!(|data: &[u8]| {
    // Requests.
    round_trip::<p::IssueTicket>(data);
    round_trip::<p::CheckIn>(data);
    round_trip::<p::ImportAppointments>(data);
    round_trip::<p::CallSpecific>(data);
    round_trip::<p::Resume>(data);
    round_trip::<p::Finish>(data);
    round_trip::<p::Transfer>(data);
    round_trip::<p::DeviceStatus>(data);
    round_trip::<p::Login>(data);
    round_trip::<p::ChangePassword>(data);
    // Answers and events.
    round_trip::<p::Ticket>(data);
    round_trip::<p::ImportedAppointments>(data);
    round_trip::<p::DeskTicket>(data);
    round_trip::<p::Queues>(data);
    round_trip::<p::DisplaySnapshot>(data);
    round_trip::<p::SessionInfo>(data);
    round_trip::<p::ApiErrorBody>(data);
    round_trip::<p::Event>(data);
    round_trip::<p::Building>(data);
});
