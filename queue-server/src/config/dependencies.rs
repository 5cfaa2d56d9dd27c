//! Checks the services' `after` lists: every entry names another service of the building, and
//! no service depends on itself, directly or through others (a visit could never reach it).

use std::collections::HashMap;

use lotse_protocol::Service;

use super::locate::FieldPath;

/// The problems of the services' `after` lists, each at the entry it is about (for a cycle:
/// the entry that closes it, once per cycle).
pub fn check(services: &[Service]) -> Vec<(FieldPath, String)> {
    let root = FieldPath::default().key("services");
    let index: HashMap<&str, usize> = services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut problems = Vec::new();
    // The edges that name a known other service, as indices: service → what it waits for.
    let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); services.len()];
    for (i, service) in services.iter().enumerate() {
        for (n, before) in service.after.iter().enumerate() {
            let path = root.index(i).key("after").index(n);
            match index.get(before.as_str()) {
                None => problems.push((path, format!("unknown service \"{before}\""))),
                Some(&j) if j == i => {
                    problems.push((path, format!("\"{before}\" cannot come after itself")))
                }
                Some(&j) => edges[i].push((j, n)),
            }
        }
    }
    // Depth-first search; an edge into a service still on the stack closes a cycle.
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let mut marks = vec![Mark::New; services.len()];
    for start in 0..services.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // The path from `start`, each service with the next of its edges to follow.
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        marks[start] = Mark::OnStack;
        while let Some(top) = stack.last_mut() {
            let (at, next) = *top;
            top.1 += 1;
            let Some(&(to, n)) = edges[at].get(next) else {
                marks[at] = Mark::Done;
                stack.pop();
                continue;
            };
            match marks[to] {
                Mark::New => {
                    marks[to] = Mark::OnStack;
                    stack.push((to, 0));
                }
                Mark::OnStack => {
                    let from = stack.iter().position(|(s, _)| *s == to).unwrap_or(0);
                    let mut names: Vec<&str> = stack[from..]
                        .iter()
                        .map(|(s, _)| services[*s].id.as_str())
                        .collect();
                    names.push(services[to].id.as_str());
                    problems.push((
                        root.index(at).key("after").index(n),
                        format!(
                            "a cycle: {} (no visit could reach these)",
                            names.join(" after ")
                        ),
                    ));
                }
                Mark::Done => {}
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::super::{Config, ConfigError, EMBEDDED_BUILDING, Problem};

    /// The embedded building with `after` lines added below the `id` line of services.
    fn with_after(lines: &[(&str, &str)]) -> String {
        let mut text = EMBEDDED_BUILDING.replace("\nafter = [\"residence-permit\"]", "");
        for (service, after) in lines {
            let id = format!("id = \"{service}\"\n");
            assert!(text.contains(&id), "{service}");
            text = text.replacen(&id, &format!("{id}after = {after}\n"), 1);
        }
        text
    }

    fn problems(text: &str) -> Vec<Problem> {
        match Config::parse("b.toml", text) {
            Err(ConfigError::Invalid { problems, .. }) => problems,
            other => panic!("expected validation problems, got {other:?}"),
        }
    }

    /// The problem's line holds `needle` (the entry it is about).
    fn check_line(text: &str, problem: &Problem, needle: &str) {
        let line = problem.line.expect("a line");
        let at = text.lines().nth(line - 1).unwrap_or_default();
        assert!(at.contains(needle), "line {line} is {at:?}: {problem:?}");
    }

    #[test]
    fn the_sample_building_has_a_dependency_and_none_is_needed() {
        let config = Config::embedded().unwrap();
        assert_eq!(
            config.service("payment-card").unwrap().after,
            ["residence-permit"]
        );
        let config = Config::parse("b.toml", &with_after(&[])).unwrap();
        assert!(config.building.services.iter().all(|s| s.after.is_empty()));
    }

    #[test]
    fn unknown_and_self_references_name_the_entry() {
        let text = with_after(&[
            (
                "payment-card",
                "[\"residence-permit\", \"no-such-service\"]",
            ),
            ("keys-rooms", "[\"keys-rooms\"]"),
        ]);
        let found = problems(&text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].field, "services[5].after[1]");
        assert!(found[0].message.contains("no-such-service"));
        check_line(&text, &found[0], "no-such-service");
        assert_eq!(found[1].field, "services[9].after[0]");
        assert!(found[1].message.contains("itself"), "{found:?}");
        check_line(&text, &found[1], "after = [\"keys-rooms\"]");
    }

    #[test]
    fn a_cycle_is_reported_once_with_its_services() {
        let text = with_after(&[
            ("payment-card", "[\"residence-permit\"]"),
            ("residence-permit", "[\"citizens-income\"]"),
            ("citizens-income", "[\"eat-pickup\", \"payment-card\"]"),
        ]);
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].field, "services[5].after[0]");
        assert_eq!(
            found[0].message,
            "a cycle: residence-permit after citizens-income after payment-card after \
             residence-permit (no visit could reach these)"
        );
        check_line(&text, &found[0], "after = [\"residence-permit\"]");
        // A chain and a shared prerequisite are no cycle.
        let chain = with_after(&[
            (
                "payment-card",
                "[\"residence-permit\", \"benefit-application\"]",
            ),
            ("benefit-application", "[\"residence-permit\"]"),
        ]);
        assert!(Config::parse("b.toml", &chain).is_ok());
    }
}
