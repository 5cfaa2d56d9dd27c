//! A PostgreSQL server of the test's own (Debian's `postgresql` package): `initdb` into a
//! temporary directory, `pg_ctl start` on a free port with its socket there, stopped and
//! removed when dropped; or with TLS only over TCP, its certificate signed by a CA made
//! here. As root, the server runs as the `postgres` user (PostgreSQL refuses root).

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = "/usr/lib/postgresql/15/bin";

/// The PEM files of a server with TLS: the CA that signed its certificate for 127.0.0.1 and
/// another CA that signed nothing here.
pub struct TlsFiles {
    pub ca: PathBuf,
    pub other_ca: PathBuf,
}

pub struct Postgres {
    dir: tempfile::TempDir,
    pub port: u16,
    as_root: bool,
}

impl Postgres {
    /// A fresh server, or `None` (with a message) where PostgreSQL is not installed.
    pub fn start() -> Option<Postgres> {
        Postgres::start_with(false).map(|(db, _)| db)
    }

    /// A fresh server that accepts TCP connections only over TLS (`hostssl` in pg_hba.conf;
    /// its Unix socket stays open to the test).
    pub fn start_with_tls() -> Option<(Postgres, TlsFiles)> {
        let (db, files) = Postgres::start_with(true)?;
        Some((db, files.expect("the server's TLS files")))
    }

    fn start_with(tls: bool) -> Option<(Postgres, Option<TlsFiles>)> {
        if !Path::new(BIN).join("initdb").exists() {
            eprintln!("SKIPPED: PostgreSQL is not installed ({BIN}); scripts/test installs it");
            return None;
        }
        let dir = tempfile::tempdir().expect("a temporary directory");
        let files = tls.then(|| make_certificates(dir.path()));
        let as_root = is_root();
        if as_root {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path()));
        }
        let port = free_port();
        let data = dir.path().join("data");
        let db = Postgres { dir, port, as_root };
        run(db.command("initdb").arg("-D").arg(&data).args([
            "-U",
            "lotse",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        ]));
        let mut options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            db.dir.path().display()
        );
        if tls {
            let dir = db.dir.path().display();
            options.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={dir}/server.pem -c ssl_key_file={dir}/server-key.pem"
            ));
            std::fs::write(
                data.join("pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
            )
            .expect("pg_hba.conf written");
        }
        run(db
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-w", "-o", &options, "-l"])
            .arg(db.dir.path().join("log"))
            .arg("start"));
        Some((db, files))
    }

    /// The connection string of the database `postgres`.
    pub fn url(&self) -> String {
        format!(
            "host=127.0.0.1 port={} user=lotse dbname=postgres",
            self.port
        )
    }

    /// The connection string over the server's Unix socket (reachable from another network
    /// namespace: sockets are files).
    pub fn socket_url(&self) -> String {
        format!(
            "host={} port={} user=lotse dbname=postgres",
            self.dir.path().display(),
            self.port
        )
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, program: &str) -> Command {
        let path = Path::new(BIN).join(program);
        if self.as_root {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

/// Writes a CA, another CA, and the server's certificate for 127.0.0.1 with its key (read
/// only by its owner, as PostgreSQL demands) into `dir`.
fn make_certificates(dir: &Path) -> TlsFiles {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    use std::os::unix::fs::PermissionsExt;
    let authority = |name: &str| {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().expect("a CA key");
        (params.self_signed(&key).expect("a CA certificate"), key)
    };
    let (ca, ca_key) = authority("Test county CA");
    let (other, _) = authority("Another county's CA");
    let key = KeyPair::generate().expect("a server key");
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .expect("server parameters")
        .signed_by(&key, &ca, &ca_key)
        .expect("a server certificate");
    let files = TlsFiles {
        ca: dir.join("ca.pem"),
        other_ca: dir.join("other-ca.pem"),
    };
    std::fs::write(&files.ca, ca.pem()).expect("CA written");
    std::fs::write(&files.other_ca, other.pem()).expect("other CA written");
    std::fs::write(dir.join("server.pem"), server.pem()).expect("certificate written");
    let key_file = dir.join("server-key.pem");
    std::fs::write(&key_file, key.serialize_pem()).expect("key written");
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600))
        .expect("key made private");
    files
}

fn run(command: &mut Command) {
    let output = command.output().expect("the program runs");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
