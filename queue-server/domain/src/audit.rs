//! What the audit log records: one typed action per staff, supervisor, admin or device
//! change. Stored by its kebab-case name (the names earlier versions wrote).

/// An audited action.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter
)]
#[strum(serialize_all = "kebab-case")]
pub enum AuditAction {
    Login,
    Logout,
    ChooseDesk,
    CallNext,
    Call,
    Recall,
    Start,
    Finish,
    NoShow,
    Park,
    Resume,
    Transfer,
    /// A stop left open when its day ended was cancelled.
    CloseDay,
    /// A visit's next concern joined its line (the visit order), after the action named.
    Join,
    IssueTicket,
    CheckIn,
    ImportAppointments,
    UserAdd,
    UserDisable,
    UserEnable,
    PasswordReset,
    PasswordChange,
    DeviceAdd,
    DeviceRevoke,
    VoiceClipRecord,
    VoiceClipDelete,
    InterpreterRequest,
    InterpreterAccept,
    InterpreterArrive,
    InterpreterFinish,
    InterpreterCancel,
    UserLanguages,
    AlertAcknowledge,
    /// A directory account lost its sessions at re-validation (gone, disabled, no mapped group).
    DirectoryWithdraw,
    AlarmRaise,
    AlarmAcknowledge,
    AlarmClose,
    ChooseLanguage,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn stored_names_are_the_ones_earlier_versions_wrote() {
        let names: Vec<_> = AuditAction::iter().map(AuditAction::as_str).collect();
        for earlier in [
            "call-next",
            "no-show",
            "issue-ticket",
            "user-add",
            "choose-desk",
        ] {
            assert!(names.contains(&earlier), "{earlier}");
        }
        for action in AuditAction::iter() {
            assert_eq!(action.as_str().parse::<AuditAction>().ok(), Some(action));
        }
    }
}
