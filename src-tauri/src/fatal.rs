//! Refusing to start, said where the user looks: the seats' desk is a windowed program without
//! a console (`windows_subsystem = "windows"`), so on Windows a reason printed to stderr is seen
//! by nobody and the desk would seem to do nothing at all. There it is a native message box;
//! elsewhere stderr, where a Linux desktop's launcher logs it.

/// Exit statuses of a desk that could not start (documented for IT in README.md).
#[cfg_attr(not(windows), allow(dead_code))] // WebView2 is a Windows runtime
pub const NO_WEBVIEW: i32 = 2;
pub const NO_LOCAL_DATA: i32 = 1;

/// The title of every refusal (tests/windows/run.sh waits for a window of this name).
pub const CANNOT_START: &str = "热线工作台无法启动";

/// Shows `message` under `title` and ends the process with `status`.
pub fn refuse_to_start(title: &str, message: &str, status: i32) -> ! {
    eprintln!("hotline-desk: {title}\n{message}");
    #[cfg(windows)]
    message_box(title, message);
    std::process::exit(status)
}

/// On Windows, the WebView2 runtime the window is drawn by must be present (Windows 11 and an
/// updated Windows 10 have it; a locked-down image may not): checked before anything else so
/// its absence is a clear message, not a panic deep inside the event loop.
pub fn require_webview() {
    #[cfg(windows)]
    if let Err(e) = tauri::webview_version() {
        refuse_to_start(
            CANNOT_START,
            &format!(
                "本机未安装 Microsoft Edge WebView2 运行时，热线工作台无法显示界面。\n\n\
                 请联系信息中心安装 WebView2 运行时（常青版独立安装包 \
                 MicrosoftEdgeWebView2RuntimeInstallerX64.exe，可用组策略静默部署），\
                 然后重新打开热线工作台。\n\n\
                 The Microsoft Edge WebView2 Runtime is not installed on this computer. \
                 Ask IT to install it, then start Hotline Desk again.\n\n详情 / Detail: {e}"
            ),
            NO_WEBVIEW,
        );
    }
}

#[cfg(windows)]
fn message_box(title: &str, message: &str) {
    use windows_sys::Win32::UI::WindowsAndMessaging::{
        MessageBoxW, MB_ICONERROR, MB_OK, MB_SETFOREGROUND,
    };
    let wide = |s: &str| s.encode_utf16().chain([0]).collect::<Vec<u16>>();
    let (title, message) = (wide(title), wide(message));
    // SAFETY: both strings are NUL-terminated UTF-16 that outlive the call; no owner window.
    unsafe {
        MessageBoxW(
            std::ptr::null_mut(),
            message.as_ptr(),
            title.as_ptr(),
            MB_OK | MB_ICONERROR | MB_SETFOREGROUND,
        );
    }
}
