//! A real OpenLDAP server (Debian's `slapd`) for directory-login tests, in a temporary
//! directory on a free port, with the county's test users and groups (a nested group
//! included); stopped when dropped. `scripts/test` installs `slapd` and `ldap-utils`.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const SUFFIX: &str = "dc=county,dc=example";
pub const ADMIN_DN: &str = "cn=admin,dc=county,dc=example";
pub const ADMIN_PASSWORD: &str = "admin-secret";
pub const SERVICE_DN: &str = "cn=lotse,ou=services,dc=county,dc=example";
pub const SERVICE_PASSWORD: &str = "service-secret";
/// A member of every group that is no entry.
const PLACEHOLDER: &str = "cn=placeholder,dc=county,dc=example";

/// The test directory:
/// - `anna` (password `anna-password`) in `abh-staff`;
/// - `lea` in `team-leads`, which is itself a member of `supervisors` (nested);
/// - `omar` in `arabic-interpreters`;
/// - `kurt` only in `canteen`, which no mapping names.
const ENTRIES: &str = r#"
dn: dc=county,dc=example
objectClass: dcObject
objectClass: organization
dc: county
o: County

dn: ou=people,dc=county,dc=example
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=county,dc=example
objectClass: organizationalUnit
ou: groups

dn: ou=services,dc=county,dc=example
objectClass: organizationalUnit
ou: services

dn: cn=lotse,ou=services,dc=county,dc=example
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: lotse
userPassword: service-secret
"#;

const PEOPLE: [&str; 4] = ["anna", "lea", "omar", "kurt"];

const GROUPS: [(&str, &str); 5] = [
    ("abh-staff", "uid=anna,ou=people,dc=county,dc=example"),
    ("team-leads", "uid=lea,ou=people,dc=county,dc=example"),
    (
        "supervisors",
        "cn=team-leads,ou=groups,dc=county,dc=example",
    ),
    (
        "arabic-interpreters",
        "uid=omar,ou=people,dc=county,dc=example",
    ),
    ("canteen", "uid=kurt,ou=people,dc=county,dc=example"),
];

/// The distinguished name of a test group.
pub fn group(name: &str) -> String {
    format!("cn={name},ou=groups,{SUFFIX}")
}

/// The distinguished name of a test user.
pub fn person(name: &str) -> String {
    format!("uid={name},ou=people,{SUFFIX}")
}

/// The password of a test user.
pub fn password_of(name: &str) -> String {
    format!("{name}-password")
}

pub struct Slapd {
    child: Option<Child>,
    pub port: u16,
    /// The LDAPS port, when started with TLS.
    pub tls_port: Option<u16>,
    config: std::path::PathBuf,
    dir: tempfile::TempDir,
}

/// The TLS files [`Slapd::start_with_tls`] makes: a CA, the server's certificate for
/// 127.0.0.1 signed by it, and another CA that signed nothing here.
pub struct TlsFiles {
    pub ca: std::path::PathBuf,
    pub other_ca: std::path::PathBuf,
}

fn authority() -> (rcgen::Certificate, rcgen::KeyPair) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    (params.self_signed(&key).unwrap(), key)
}

impl Slapd {
    /// Starts slapd with the test directory; `None` (with a message) where slapd is not
    /// installed.
    pub fn start() -> Option<Slapd> {
        Slapd::start_with(false)
    }

    /// [`Slapd::start`] with StartTLS on its port and LDAPS on `tls_port`, with a
    /// certificate from a CA made here.
    pub fn start_with_tls() -> Option<(Slapd, TlsFiles)> {
        let slapd = Slapd::start_with(true)?;
        let files = TlsFiles {
            ca: slapd.dir.path().join("ca.pem"),
            other_ca: slapd.dir.path().join("other-ca.pem"),
        };
        Some((slapd, files))
    }

    /// Writes a CA, another CA and the server's certificate for 127.0.0.1 into `dir`;
    /// returns slapd's configuration lines for them.
    fn make_certificates(dir: &Path) -> String {
        let (ca, ca_key) = authority();
        let (other, _) = authority();
        let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let server = params.signed_by(&key, &ca, &ca_key).unwrap();
        std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
        std::fs::write(dir.join("other-ca.pem"), other.pem()).unwrap();
        std::fs::write(dir.join("server.pem"), server.pem()).unwrap();
        std::fs::write(dir.join("server-key.pem"), key.serialize_pem()).unwrap();
        format!(
            "TLSCACertificateFile {dir}/ca.pem\n\
             TLSCertificateFile {dir}/server.pem\n\
             TLSCertificateKeyFile {dir}/server-key.pem\n",
            dir = dir.display()
        )
    }

    fn start_with(tls: bool) -> Option<Slapd> {
        if !Path::new("/usr/sbin/slapd").exists() {
            eprintln!("SKIPPED: /usr/sbin/slapd is missing (apt install slapd ldap-utils)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let config = dir.path().join("slapd.conf");
        let tls_lines = if tls {
            Slapd::make_certificates(dir.path())
        } else {
            String::new()
        };
        std::fs::write(
            &config,
            format!(
                "{tls}include /etc/ldap/schema/core.schema\n\
                 include /etc/ldap/schema/cosine.schema\n\
                 include /etc/ldap/schema/inetorgperson.schema\n\
                 modulepath /usr/lib/ldap\n\
                 moduleload back_mdb\n\
                 pidfile {dir}/slapd.pid\n\
                 database mdb\n\
                 maxsize 10485760\n\
                 suffix \"{SUFFIX}\"\n\
                 rootdn \"{ADMIN_DN}\"\n\
                 rootpw {ADMIN_PASSWORD}\n\
                 directory {data}\n\
                 access to attrs=userPassword by anonymous auth by * none\n\
                 access to * by users read by * none\n",
                tls = tls_lines,
                dir = dir.path().display(),
                data = data.display(),
            ),
        )
        .unwrap();
        let ldif = dir.path().join("entries.ldif");
        std::fs::write(&ldif, entries()).unwrap();
        let loaded = Command::new("/usr/sbin/slapadd")
            .arg("-f")
            .arg(&config)
            .arg("-l")
            .arg(&ldif)
            .output()
            .unwrap();
        assert!(loaded.status.success(), "slapadd: {loaded:?}");
        let port = free_port();
        let mut slapd = Slapd {
            child: None,
            port,
            tls_port: tls.then(free_port),
            config,
            dir,
        };
        slapd.run();
        Some(slapd)
    }

    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    /// Starts the process (again, after [`Slapd::stop`]) on the same port and data.
    pub fn run(&mut self) {
        let child = Command::new("/usr/sbin/slapd")
            .arg("-f")
            .arg(&self.config)
            .arg("-h")
            .arg(self.listen())
            // Any -d keeps slapd in the foreground, so that the test owns the process.
            .args(["-d", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        for port in std::iter::once(self.port).chain(self.tls_port) {
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(Instant::now() < deadline, "slapd did not start");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    /// slapd's `-h`: plain (StartTLS when it has a certificate) and LDAPS.
    fn listen(&self) -> String {
        match self.tls_port {
            Some(tls) => format!("{}/ ldaps://127.0.0.1:{tls}/", self.url()),
            None => format!("{}/", self.url()),
        }
    }

    /// Stops the process (the directory is "down").
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Applies an LDIF change as the directory's administrator (`ldapmodify`).
    pub fn modify(&self, ldif: &str) {
        let mut child = Command::new("ldapmodify")
            .args([
                "-x",
                "-H",
                &self.url(),
                "-D",
                ADMIN_DN,
                "-w",
                ADMIN_PASSWORD,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(ldif.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "ldapmodify: {output:?}");
    }

    /// Removes `member` from `group`.
    pub fn remove_member(&self, group_name: &str, member: &str) {
        self.modify(&format!(
            "dn: {}\nchangetype: modify\ndelete: member\nmember: {member}\n",
            group(group_name)
        ));
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        self.stop();
    }
}

fn entries() -> String {
    let mut ldif = ENTRIES.to_owned();
    for name in PEOPLE {
        ldif.push_str(&format!(
            "\ndn: {}\nobjectClass: inetOrgPerson\nuid: {name}\ncn: {name}\nsn: {name}\nuserPassword: {}\n",
            person(name),
            password_of(name)
        ));
    }
    for (name, member) in GROUPS {
        ldif.push_str(&format!(
            // groupOfNames needs a member: the placeholder keeps a group valid when the
            // test takes its real member out.
            "\ndn: {}\nobjectClass: groupOfNames\ncn: {name}\nmember: {member}\nmember: {PLACEHOLDER}\n",
            group(name)
        ));
    }
    ldif
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
