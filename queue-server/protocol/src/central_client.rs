//! A building server's pushes to the county's central service (`central.rs`), over the same
//! client as the devices' (`server_ca.rs` for the county's CA file; the building's token as
//! bearer).

use chrono::NaiveDate;
use reqwest::Method;

use crate::central::{DayPush, LiveSummary, ProfilePush, PushAccepted, building_path};
use crate::client::{Client, ClientError};

impl Client {
    /// Stores one day's cells of `building` (idempotent: the same day and version again
    /// changes nothing).
    pub async fn push_day(
        &self,
        building: &str,
        day: NaiveDate,
        push: &DayPush,
    ) -> Result<PushAccepted, ClientError> {
        let path = format!("{}/days/{day}", building_path(building));
        self.send_json(self.request(Method::PUT, &path).json(push))
            .await
    }

    pub async fn push_live(
        &self,
        building: &str,
        summary: &LiveSummary,
    ) -> Result<PushAccepted, ClientError> {
        let path = format!("{}/live", building_path(building));
        self.send_json(self.request(Method::PUT, &path).json(summary))
            .await
    }

    pub async fn push_profile(
        &self,
        building: &str,
        profile: &ProfilePush,
    ) -> Result<PushAccepted, ClientError> {
        let path = format!("{}/profile", building_path(building));
        self.send_json(self.request(Method::PUT, &path).json(profile))
            .await
    }
}
