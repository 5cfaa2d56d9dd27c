//! Account and device changes (admin page, command line) write their rows and their audit
//! entry together or not at all: a failure injected into the audit insert leaves no account.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use chrono::Utc;
use lotse_protocol::Role;
use lotse_queue_server::auth::{AgencyScope, DeviceKind};
use lotse_queue_server::config::Config;
use lotse_queue_server::services::ServiceError;
use lotse_queue_server::services::commands::accounts::{
    NewAccount, add_device, add_user, set_disabled,
};
use lotse_queue_server::storage::Store;

async fn count(store: &Store, sql: &'static str) -> i64 {
    store
        .read(move |c| Ok::<_, support::TestError>(c.query_row(sql, [], |r| r.get(0))?))
        .await
        .unwrap()
}

#[tokio::test]
async fn an_account_change_and_its_audit_entry_are_written_together() {
    let store = Store::in_memory().unwrap();
    let building = Config::embedded().unwrap().building;
    let add = |name: &'static str| {
        let building = building.clone();
        store.run(move |c| {
            let account = NewAccount {
                name: name.to_owned(),
                role: Role::Interpreter,
                agencies: AgencyScope::All,
                languages: vec!["ar".to_owned()],
            };
            add_user(c, &building, Utc::now(), "admin-1", &account, "hash")
        })
    };
    add("first").await.unwrap();
    store
        .run(|c| set_disabled(c, Utc::now(), "admin-1", "first", true))
        .await
        .unwrap();
    store
        .run(|c| add_device(c, Utc::now(), "cli", (DeviceKind::Display, "lobby"), "h"))
        .await
        .unwrap();
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM audit WHERE action IN ('user-add', 'user-disable', 'device-add')"
        )
        .await,
        3
    );

    store
        .run(|c| {
            Ok::<_, support::TestError>(c.execute_batch(
                "CREATE TRIGGER injected_failure BEFORE INSERT ON audit
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
            )?)
        })
        .await
        .unwrap();
    assert!(add("second").await.is_err());
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM users WHERE name = 'second'").await,
        0
    );
    assert!(
        store
            .run(|c| set_disabled(c, Utc::now(), "admin-1", "first", false))
            .await
            .is_err()
    );
    assert_eq!(
        count(&store, "SELECT disabled FROM users WHERE name = 'first'").await,
        1
    );
}

/// The command line and the admin page add accounts through one command, which applies the
/// one account rule: an unknown agency or an interpreter without a language is refused
/// however the account was asked for (the command line once only half-checked).
#[tokio::test]
async fn the_account_command_refuses_what_the_account_rule_refuses() {
    let store = Store::in_memory().unwrap();
    let building = Config::embedded().unwrap().building;
    let add = |role, agencies: AgencyScope, languages: Vec<String>| {
        let building = building.clone();
        store.run(move |c| {
            let account = NewAccount {
                name: "anna".to_owned(),
                role,
                agencies,
                languages,
            };
            add_user(c, &building, Utc::now(), "cli", &account, "hash")
        })
    };
    let nowhere = AgencyScope::Only(vec!["nowhere".to_owned()]);
    let refusals = [
        add(Role::Staff, nowhere, Vec::new()).await,
        add(Role::Interpreter, AgencyScope::All, Vec::new()).await,
        add(Role::Staff, AgencyScope::All, vec!["ar".to_owned()]).await,
        add(Role::Interpreter, AgencyScope::All, vec!["xx".to_owned()]).await,
    ];
    for refused in refusals {
        assert!(
            matches!(refused, Err(ServiceError::Domain(_))),
            "{refused:?}"
        );
    }
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM users").await,
        0,
        "nothing written"
    );
    add(Role::Staff, AgencyScope::All, Vec::new())
        .await
        .unwrap();
}
