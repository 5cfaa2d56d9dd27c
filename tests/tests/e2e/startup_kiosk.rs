//! The kiosk started as users start it — `printer-emulator` on TCP and `kiosk --demo` with a
//! config naming the server and that printer, on a virtual display — and used like a visitor:
//! clicks on its window (positions from the same layout driven in the test) take a ticket, and
//! the emulator receives it with the number the server gave.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Command;
use std::rc::Rc;
use std::time::{Duration, Instant};

use i_slint_backend_testing::ElementHandle;
use lotse_kiosk::KioskWindow;
use lotse_kiosk::controller::Controller;
use lotse_kiosk::flow::{Effect, Event, Flow};
use lotse_protocol::{Building, Queues};
use slint::ComponentHandle;

use crate::programs::{Program, VirtualDisplay, binary};
use crate::util::{Server, screenshot_dir};

const WIDTH: u32 = 1080;
const HEIGHT: u32 = 1920;

/// What a visitor touches for one concern, in order, by accessible label.
const TAKE_A_TICKET: [&str; 6] = [
    "language de",
    "agency immigration",
    "service residence-permit",
    "back",
    "next",
    "print",
];

#[test]
fn kiosk_starts_and_prints_a_ticket_taken_by_clicking() {
    let server = Server::start();
    let dir = server.dir.path();
    let receipts = dir.join("receipts");
    let (mut printer, printer_address) = start_printer_emulator(&receipts);
    let display = VirtualDisplay::start(WIDTH, HEIGHT);
    let (host, port) = printer_address.rsplit_once(':').expect("host:port");
    let config = dir.join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "server_url = \"{}\"\nprinter = {{ transport = \"tcp\", host = \"{host}\", port = {port} }}\n",
            server.base_url
        ),
    )
    .expect("kiosk config");
    let mut command = Command::new(binary("kiosk"));
    command
        .arg("--demo")
        .arg("--config")
        .arg(&config)
        .env("DISPLAY", &display.name);
    let mut kiosk = Program::start("kiosk", command, dir);
    kiosk.wait_for_line("first frame shown", Duration::from_secs(30));
    let window = display.window(&mut kiosk, "Lotse", Duration::from_secs(10));
    kiosk.assert_alive_after_start_period();
    printer.assert_alive();

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (building, queues) = runtime.block_on(async {
        let client = server.kiosk();
        let building = client.config().await.expect("config");
        let queues = client.queues().await.expect("queues");
        (building, queues)
    });
    let mirror = Mirror::new(building, queues);
    for label in TAKE_A_TICKET {
        let (x, y) = mirror.centre_of(label);
        display.click(&window, x, y);
        mirror.tap(label);
        // The real kiosk loads the open services when its concerns screen opens.
        std::thread::sleep(Duration::from_millis(700));
        kiosk.assert_alive();
    }

    let printed = wait_for_receipt(&receipts, Duration::from_secs(20));
    display.screenshot(&screenshot_dir().join("startup-kiosk-printed.png"));
    let called = runtime.block_on(async {
        let staff = server.staff().await;
        staff
            .call_next("eg-01")
            .await
            .expect("call")
            .expect("the ticket taken by clicking")
    });
    assert!(
        printed.contains(&called.number),
        "receipt without the server's number {}:\n{printed}",
        called.number
    );
    kiosk.assert_alive();
    printer.assert_alive();
}

/// Starts the emulator on a free TCP port; returns it and its `host:port`.
fn start_printer_emulator(receipts: &Path) -> (Program, String) {
    let log_dir = receipts.parent().expect("a parent");
    let mut command = Command::new(binary("printer-emulator"));
    command
        .args(["--tcp", "127.0.0.1:0", "--out"])
        .arg(receipts);
    let mut program = Program::start("printer-emulator", command, log_dir);
    let line = program.wait_for_line("tcp 127.0.0.1:", Duration::from_secs(10));
    let address = line.trim_start_matches("tcp ").trim().to_owned();
    (program, address)
}

/// The text of the first receipt the emulator cut, waiting up to `within`.
fn wait_for_receipt(receipts: &Path, within: Duration) -> String {
    let deadline = Instant::now() + within;
    loop {
        let text = std::fs::read_dir(receipts).ok().and_then(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .find(|path| path.extension().is_some_and(|e| e == "txt"))
        });
        if let Some(path) = text {
            let file = std::fs::File::open(&path).expect("receipt text");
            return BufReader::new(file)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<_>>()
                .join("\n");
        }
        assert!(
            Instant::now() < deadline,
            "no receipt printed within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The kiosk's own window and controller in the test (Slint's testing backend), fed the
/// server's building and lines, so its layout says where each control of the real window is.
struct Mirror {
    window: KioskWindow,
    _controller: Rc<Controller>,
}

impl Mirror {
    fn new(building: Building, queues: Queues) -> Mirror {
        i_slint_backend_testing::init_no_event_loop();
        let window = KioskWindow::new().expect("kiosk window");
        window
            .window()
            .set_size(slint::PhysicalSize::new(WIDTH, HEIGHT));
        window.show().expect("show");
        let controller = Controller::new(&window, Flow::new("de", "mirror"), Vec::new());
        let weak = Rc::downgrade(&controller);
        controller.set_runner(Box::new(move |effect| {
            if let (Effect::LoadQueues, Some(controller)) = (effect, weak.upgrade()) {
                controller.dispatch(Event::QueuesLoaded(Box::new(queues.clone())));
            }
        }));
        controller.dispatch(Event::ServerUp(Box::new(building)));
        Mirror {
            window,
            _controller: controller,
        }
    }

    fn element(&self, label: &str) -> ElementHandle {
        ElementHandle::find_by_accessible_label(&self.window, label)
            .next()
            .unwrap_or_else(|| panic!("the kiosk's layout has nothing labelled {label:?}"))
    }

    /// The centre of the control labelled `label`, in window pixels.
    fn centre_of(&self, label: &str) -> (f32, f32) {
        let element = self.element(label);
        let (position, size) = (element.absolute_position(), element.size());
        (
            position.x + size.width / 2.0,
            position.y + size.height / 2.0,
        )
    }

    fn tap(&self, label: &str) {
        self.element(label).invoke_accessible_default_action();
    }
}
