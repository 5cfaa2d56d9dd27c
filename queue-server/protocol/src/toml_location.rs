//! Finds the line of a field in a TOML document, so that config errors can name it. Shared by
//! the queue server's building config and the kiosk's config (printer profiles).

use std::fmt;

use toml::de::{DeTable, DeValue};

/// One step of a path into the document: a table key or an array index.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// A path like `desks[3].services[1]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldPath(pub Vec<Step>);

impl FieldPath {
    pub fn key(&self, key: &str) -> FieldPath {
        let mut steps = self.0.clone();
        steps.push(Step::Key(key.to_owned()));
        FieldPath(steps)
    }

    pub fn index(&self, index: usize) -> FieldPath {
        let mut steps = self.0.clone();
        steps.push(Step::Index(index));
        FieldPath(steps)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, step) in self.0.iter().enumerate() {
            match step {
                Step::Key(key) if n == 0 => write!(f, "{key}")?,
                Step::Key(key) => write!(f, ".{key}")?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// The 1-based line where `path` (or the deepest part of it that exists) is written.
pub fn line_of(source: &str, path: &FieldPath) -> Option<usize> {
    let document = DeTable::parse(source).ok()?;
    let mut span = document.span();
    let mut table: Option<&DeTable<'_>> = Some(document.get_ref());
    let mut array: Option<&[toml::Spanned<DeValue<'_>>]> = None;
    for step in &path.0 {
        let value = match (step, table, array) {
            (Step::Key(key), Some(t), _) => t
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == key.as_str())
                .map(|(_, v)| v),
            (Step::Index(index), _, Some(a)) => a.get(*index),
            _ => None,
        };
        let Some(value) = value else { break };
        span = value.span();
        (table, array) = match value.get_ref() {
            DeValue::Table(t) => (Some(t), None),
            DeValue::Array(a) => (None, Some(a.as_ref())),
            _ => (None, None),
        };
    }
    Some(source[..span.start.min(source.len())].matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_array_items() {
        let source = "[site]\nname = 1\n\n[[desks]]\nid = \"a\"\n\n[[desks]]\nid = \"b\"\nservices = [\"x\",\n \"y\"]\n";
        let path = FieldPath::default()
            .key("desks")
            .index(1)
            .key("services")
            .index(1);
        assert_eq!(path.to_string(), "desks[1].services[1]");
        assert_eq!(line_of(source, &path), Some(10));
        let id = FieldPath::default().key("desks").index(0).key("id");
        assert_eq!(line_of(source, &id), Some(5));
        let missing = FieldPath::default().key("site").key("nope");
        assert_eq!(line_of(source, &missing), Some(1));
    }
}
