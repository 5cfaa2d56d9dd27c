//! `/staff/admin/voices`: recording the voice clips of languages no speech engine has
//! (Pashto, Tigrinya, or any language the building prefers a human voice for). The page lists
//! every clip a language needs with the text to say, plays what is recorded, and records
//! missing clips from the browser's microphone (`voices.js`, which sends a WAV); without
//! JavaScript, or without a microphone, a WAV file can be uploaded instead. Displays download
//! the clips through `GET /api/v1/voices/{language}`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lotse_protocol::DeskKind;
use lotse_voices::{NumberReading, Spoken};
use maud::{Markup, html};
use serde::Deserialize;

use super::admin_texts::fill;
use super::html_response;
use super::layout::staff_page;
use super::page_access::StaffArea;
use super::session::{AdminPage, StaffPage};
use super::staff_texts::{StaffTexts, texts};
use crate::domain::voice_clips::{MAX_CLIP_SECONDS, check_recording};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::services::commands;
use crate::speech::{needed_clips, phrase_table};
use crate::storage::voice_clips;

/// The languages of the building, each with how many of its clips are recorded.
pub async fn languages(State(state): State<AppState>, page: StaffPage) -> Response {
    if let Err(denied) = page.require(StaffArea::Administration) {
        return denied;
    }
    let languages = state.config.building.site.languages.clone();
    let counted = state
        .store
        .read(move |c| {
            languages
                .into_iter()
                .map(|language| {
                    let recorded = voice_clips::list(c, &language)?.len();
                    Ok((language, recorded))
                })
                .collect::<Result<Vec<_>, AppError>>()
        })
        .await;
    let counted = match counted {
        Ok(counted) => counted,
        Err(error) => return error.into_response(),
    };
    let t = texts(page.lang);
    let a = t.admin;
    let content = html! {
        h1 { (a.voices_title) }
        p { (a.voices_intro) }
        table {
            thead { tr { th { (t.language) } th { (a.recorded) } th {} } }
            tbody {
                @for (language, recorded) in &counted {
                    @let needed = needed_clips(&state.config, language).map_or(0, |c| c.len());
                    tr {
                        td { (language_label(language, t)) }
                        td { (done_of_total(*recorded, needed, t)) }
                        td { @if needed > 0 { a href=(format!("/staff/admin/voices/{language}")) { (a.record) } } }
                    }
                }
            }
        }
    };
    html_response(
        StatusCode::OK,
        staff_page(a.voice_recordings, Some(&page), None, content),
    )
}

/// Every clip `language` needs: text, recording (play, delete), record or upload.
pub async fn language(
    State(state): State<AppState>,
    page: StaffPage,
    Path(language): Path<String>,
) -> Response {
    if let Err(denied) = page.require(StaffArea::Administration) {
        return denied;
    }
    let needed = match needed_clips(&state.config, &language) {
        Ok(needed) => needed,
        Err(error) => return AppError::from(error).into_response(),
    };
    let wanted = language.clone();
    let recorded = match state
        .store
        .read(move |c| voice_clips::list(c, &wanted))
        .await
    {
        Ok(recorded) => recorded,
        Err(error) => return AppError::from(error).into_response(),
    };
    let done = needed
        .iter()
        .filter(|clip| recorded.iter().any(|r| r.key == clip.key))
        .count();
    let direction = if lotse_protocol::languages::is_rtl(&language) {
        "rtl"
    } else {
        "ltr"
    };
    let example = phrase_table()
        .script(&language, &example_call(), NumberReading::Digits)
        .ok()
        .map(|script| script.text());
    let csrf = page.csrf.as_str();
    let t = texts(page.lang);
    let a = t.admin;
    let content = html! {
        h1 { (a.voice_recordings) ": " (language_label(&language, t)) }
        p role="status" { (done_of_total(done, needed.len(), t)) " " (a.words_recorded) }
        @if let Some(example) = example {
            p { (a.example_call) " "
                span lang=(language) dir=(direction) { (example) } }
        }
        p.hint { (fill(a.record_hint, "seconds", &MAX_CLIP_SECONDS.to_string())) }
        table.voices data-language=(language) data-stop=(a.stop) data-cannot-record=(a.cannot_record) {
            thead { tr { th { (a.word) } th { (a.text) } th { (a.recording) } th { (a.new_recording) } } }
            tbody {
                @for clip in &needed {
                    @let existing = recorded.iter().find(|r| r.key == clip.key);
                    tr data-key=(clip.key) {
                        td { code { (clip.key) } }
                        td lang=(language) dir=(direction) { (clip.text) }
                        td {
                            @if let Some(existing) = existing {
                                audio controls preload="none"
                                    src=(format!("/staff/admin/voices/{language}/{}", clip.key))
                                    aria-label=(fill(a.listen_to, "key", &clip.key)) {}
                                span.meta { " " (existing.recorded_by) }
                                form.inline method="post" action=(format!("/staff/admin/voices/{language}/{}/delete", clip.key)) {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button.quiet type="submit" { (a.delete) }
                                }
                            } @else {
                                span.missing { (a.missing) }
                            }
                        }
                        td {
                            button.record type="button" hidden
                                aria-label=(fill(a.record_word, "key", &clip.key)) { (a.record) }
                            form.inline method="post" enctype="multipart/form-data"
                                action=(format!("/staff/admin/voices/{language}/{}", clip.key)) {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="file" name="wav" accept="audio/wav,.wav" required
                                    aria-label=(fill(a.wav_for, "key", &clip.key));
                                button type="submit" { (a.upload) }
                            }
                        }
                    }
                }
            }
        }
        script src=(super::assets::url("voices.js")) defer {}
    };
    html_response(
        StatusCode::OK,
        staff_page(a.voice_recordings, Some(&page), None, content),
    )
}

/// "3 of 12", in the page's language.
fn done_of_total(done: usize, total: usize, t: &StaffTexts) -> String {
    fill(
        &fill(t.admin.done_of_total, "done", &done.to_string()),
        "total",
        &total.to_string(),
    )
}

/// The call the page shows as an example of what the clips make up.
fn example_call() -> Spoken {
    Spoken {
        number: "A-042".into(),
        kind: DeskKind::Desk,
        place_number: "3".into(),
        floor: 0,
    }
}

/// How a language is named on the page: its name and code ("Pashto (`ps`)").
fn language_label(language: &str, t: &StaffTexts) -> Markup {
    html! { (t.language_name(language)) " (" code { (language) } ")" }
}

/// Plays a recording on the page.
pub async fn play(
    State(state): State<AppState>,
    page: StaffPage,
    Path((language, key)): Path<(String, String)>,
) -> Response {
    if let Err(denied) = page.require(StaffArea::Administration) {
        return denied;
    }
    crate::http::wav::wav_response(&state, language, key)
        .await
        .into_response()
}

/// Records a clip: a WAV body from `voices.js` (CSRF token in `X-CSRF-Token`), or the
/// upload form (`multipart/form-data` with `csrf` and `wav`). Only an admin's body is read
/// (`AdminPage`; a recording is up to a few megabytes).
pub async fn record(
    State(state): State<AppState>,
    AdminPage(page): AdminPage,
    Path((language, key)): Path<(String, String)>,
    request: Request,
) -> Response {
    let from_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let wav = if from_form {
        // The form carries its CSRF token in the body, so it is checked after reading.
        let (csrf, wav) = match upload(request).await {
            Ok(sent) => sent,
            Err(error) => return error.into_response(),
        };
        if let Err(denied) = page.check(&csrf) {
            return denied;
        }
        wav
    } else {
        if let Err(denied) = page.check(&csrf_header(request.headers())) {
            return denied;
        }
        match Bytes::from_request(request, &()).await {
            Ok(body) => body,
            Err(rejection) => return rejection.into_response(),
        }
    };
    let checked = needed_clips(&state.config, &language)
        .and_then(|needed| check_recording(&needed, &key, &wav).map(|_| ()));
    if let Err(error) = checked {
        return AppError::from(error).into_response();
    }
    let (now, actor) = (state.now(), page.name.clone());
    let (stored_language, stored_key) = (language.clone(), key.clone());
    let recorded = state
        .store
        .run(move |c| {
            commands::voice_clips::record(c, now, &actor, &stored_language, &stored_key, &wav)
        })
        .await;
    match recorded {
        Err(error) => AppError::from(error).into_response(),
        // The script reloads the row itself; the form goes back to the list.
        Ok(()) if from_form => {
            Redirect::to(&format!("/staff/admin/voices/{language}#{key}")).into_response()
        }
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    csrf: String,
}

pub async fn delete(
    State(state): State<AppState>,
    AdminPage(page): AdminPage,
    Path((language, key)): Path<(String, String)>,
    axum::Form(form): axum::Form<DeleteForm>,
) -> Response {
    if let Err(denied) = page.check(&form.csrf) {
        return denied;
    }
    let (now, actor) = (state.now(), page.name.clone());
    let (stored_language, stored_key) = (language.clone(), key);
    let deleted = state
        .store
        .run(move |c| commands::voice_clips::delete(c, now, &actor, &stored_language, &stored_key))
        .await;
    match deleted {
        Ok(()) => Redirect::to(&format!("/staff/admin/voices/{language}")).into_response(),
        Err(error) => AppError::from(error).into_response(),
    }
}

fn csrf_header(headers: &HeaderMap) -> String {
    headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The `csrf` and `wav` fields of the upload form.
async fn upload(request: Request) -> Result<(String, Bytes), AppError> {
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|rejection| malformed(rejection.status(), rejection.body_text()))?;
    let (mut csrf, mut wav) = (String::new(), None);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|error| malformed(error.status(), error.body_text()))?
    {
        match field.name() {
            Some("csrf") => {
                csrf = field
                    .text()
                    .await
                    .map_err(|error| malformed(error.status(), error.body_text()))?;
            }
            Some("wav") => {
                wav = Some(
                    field
                        .bytes()
                        .await
                        .map_err(|error| malformed(error.status(), error.body_text()))?,
                );
            }
            _ => {}
        }
    }
    let wav = wav.ok_or_else(|| AppError::InvalidInput("choose a WAV file".into()))?;
    Ok((csrf, wav))
}

/// A form that cannot be read: 413 `payload_too_large` when it is beyond the limit (also
/// when that shows only in the middle of a field), else 400 `malformed_request`.
fn malformed(status: StatusCode, detail: String) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::MalformedRequest(detail)
    }
}
