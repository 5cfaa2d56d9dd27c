//! Account and device changes (admin page, command line) write their rows and their audit
//! entry together or not at all: a failure injected into the audit insert leaves no account.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected errors.

use crate::support;

use chrono::Utc;
use lotse_protocol::Role;
use lotse_queue_server::auth::{AgencyScope, DeviceKind};
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
    let add = |name: &'static str| {
        store.run(move |c| {
            let account = NewAccount {
                name,
                role: Role::Interpreter,
                password_hash: "hash",
                agencies: &AgencyScope::All,
                languages: &["ar".to_owned()],
            };
            add_user(c, Utc::now(), "admin-1", &account)
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
