//! The outcomes a desk may record when it finishes a concern: a fixed list of codes (no free
//! text, which could carry personal data into statistics that are kept for years).

/// Code and the desk console's German label.
pub const OUTCOMES: &[(&str, &str)] = &[
    ("completed", "erledigt"),
    ("documents_missing", "Unterlagen fehlen"),
    ("follow_up", "Folgetermin nötig"),
    ("referred", "an andere Stelle verwiesen"),
];

pub fn is_outcome(code: &str) -> bool {
    OUTCOMES.iter().any(|(known, _)| *known == code)
}
