//! The visitors' comments on `/staff/stats`, for supervisors: newest first, only of visits
//! that had a concern at one of the supervisor's agencies. Free text from visitors: maud
//! escapes it like every value. Comments are kept only until their day is over (retention),
//! the scores stay in the statistics.

use chrono_tz::Tz;
use lotse_protocol::{Building, localized};
use maud::{Markup, html};

use crate::auth::AgencyScope;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::stats::tables::Lang;
use crate::storage::feedback::{self, Comment};

/// Whether a comment's visit had a concern at one of `scope`'s agencies.
fn visible(comment: &Comment, scope: &AgencyScope, building: &Building) -> bool {
    comment.services.iter().any(|id| {
        building
            .service(id)
            .is_some_and(|service| scope.includes(&service.agency))
    })
}

/// The comments `scope` may read, newest first.
pub async fn visible_comments(
    state: &AppState,
    scope: &AgencyScope,
) -> Result<Vec<Comment>, AppError> {
    let comments = state.store.read(feedback::comments).await?;
    let building = &state.config.building;
    Ok(comments
        .into_iter()
        .filter(|comment| visible(comment, scope, building))
        .collect())
}

pub fn section(comments: &[Comment], building: &Building, zone: Tz, lang: Lang) -> Markup {
    let l = |de: &'static str, en: &'static str| lang.pick(de, en);
    let service = |id: &str| {
        building
            .service(id)
            .map_or(id, |s| {
                localized(&s.name, lang.code(), &building.site.default_language)
            })
            .to_owned()
    };
    html! {
        section.stat #feedback-comments {
            h2 { (l("Kommentare der Besuchenden (bis Tagesende gespeichert)",
                    "Visitors' comments (kept until the end of their day)")) }
            @if comments.is_empty() {
                p { (l("Keine Kommentare.", "No comments.")) }
            } @else {
                ol.comments {
                    @for comment in comments {
                        li {
                            p.meta {
                                (comment.given_at.with_timezone(&zone).format("%H:%M")) " · "
                                (l("Bewertung", "Score")) " " (comment.score) "/5 · "
                                (comment.services.iter().map(|s| service(s)).collect::<Vec<_>>().join(", "))
                            }
                            blockquote { (comment.text) }
                        }
                    }
                }
            }
        }
    }
}
