; 热线工作台 per-user setup.exe, for sites without group policy: no administrator rights, installs
; into the user's own programs folder, registers hotline:// for that user only. The same content
; as the MSI (hotline-desk.wxs). Built by makensis from scripts/windows-installers, not by
; Tauri's bundler, which downloads NSIS and its plugins at build time; these machines build
; offline with Debian's nsis.
;
; Silent: hotline-desk-setup.exe /S /SERVER_URL=https://… [/CA_CERT=C:\…\ca.pem] [/IGNORE_WEBVIEW2]
; Defines (-D): VERSION (major.minor.patch), OUTFILE, COMPRESSOR (lzma for release, zlib when a
; test only needs it built quickly).

Unicode true
Target amd64-unicode
SetCompressor /SOLID ${COMPRESSOR}
RequestExecutionLevel user

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include StrFunc.nsh
${StrStr}

!define PRODUCT "热线工作台"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\HotlineDesk"
!define WEBVIEW2_CLIENT "Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
; Exit status of a setup refused for want of WebView2 (README.md, "Windows seats").
!define NO_WEBVIEW 3

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\HotlineDesk"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${PRODUCT} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=2052 "FileDescription" "${PRODUCT} 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "${PRODUCT}"

!define MUI_ICON "icon.ico"
!define MUI_UNICON "icon.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\hotline-desk.exe"
!define MUI_FINISHPAGE_RUN_TEXT "立即打开热线工作台"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

Var ServerUrl
Var CaCert

; A runtime is present when its version is recorded and not 0.0.0.0 (Microsoft's own check).
Function HasWebView2
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\${WEBVIEW2_CLIENT}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 == "0.0.0.0"
    StrCpy $0 ""
  ${EndIf}
FunctionEnd

;  Reads /NAME=value from the command line: $R2 in ("/SERVER_URL="), $R1 out ("" when absent).
; Not FileFunc's GetOptions, which ends an option's value at its first "/" — a URL's "https:".
; The value ends at the next space, or is "quoted".
Function ReadOption
  ${GetParameters} $R3
  ${StrStr} $R4 $R3 $R2
  StrCpy $R1 ""
  ${If} $R4 != ""
    StrLen $R5 $R2
    StrCpy $R4 $R4 "" $R5
    StrCpy $R6 " "
    StrCpy $R7 $R4 1
    ${If} $R7 == '"'
      StrCpy $R6 '"'
      StrCpy $R4 $R4 "" 1
    ${EndIf}
    StrCpy $R5 0
    ${Do}
      StrCpy $R7 $R4 1 $R5
      ${IfThen} $R7 == "" ${|} ${ExitDo} ${|}
      ${IfThen} $R7 == $R6 ${|} ${ExitDo} ${|}
      IntOp $R5 $R5 + 1
    ${Loop}
    StrCpy $R1 $R4 $R5
  ${EndIf}
FunctionEnd

Function .onInit
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/IGNORE_WEBVIEW2" $R1
  ${If} ${Errors}
    Call HasWebView2
    ${If} $0 == ""
      MessageBox MB_ICONSTOP|MB_OK "热线工作台需要 Microsoft Edge WebView2 运行时，本机未安装。$\r$\n$\r$\n请联系信息中心安装 WebView2 运行时（常青版独立安装包 MicrosoftEdgeWebView2RuntimeInstallerX64.exe），然后重新运行本安装程序。$\r$\n$\r$\nThe Microsoft Edge WebView2 Runtime is missing: ask IT to install it, then run this setup again." /SD IDOK
      SetErrorLevel ${NO_WEBVIEW}
      Quit
    ${EndIf}
  ${EndIf}
  ; The centre's settings (hotline-client's centre.rs reads them); kept from an earlier install
  ; when not given again.
  ReadRegStr $ServerUrl HKCU "Software\HotlineDesk" "ServerUrl"
  ReadRegStr $CaCert HKCU "Software\HotlineDesk" "CaCertificate"
  StrCpy $R2 "/SERVER_URL="
  Call ReadOption
  ${IfThen} $R1 != "" ${|} StrCpy $ServerUrl $R1 ${|}
  StrCpy $R2 "/CA_CERT="
  Call ReadOption
  ${IfThen} $R1 != "" ${|} StrCpy $CaCert $R1 ${|}
FunctionEnd

Section "${PRODUCT}"
  SetOutPath "$INSTDIR"
  File "hotline-desk.exe"
  File "hotline.exe"
  File "WebView2Loader.dll"
  File "icon.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\hotline-desk.exe" "" "$INSTDIR\icon.ico"

  ; hotline://intake?phone=… from the telephony system opens the desk on the call.
  WriteRegStr HKCU "Software\Classes\hotline" "" "URL:${PRODUCT}"
  WriteRegStr HKCU "Software\Classes\hotline" "URL Protocol" ""
  WriteRegStr HKCU "Software\Classes\hotline\DefaultIcon" "" "$INSTDIR\hotline-desk.exe,0"
  WriteRegStr HKCU "Software\Classes\hotline\shell\open\command" "" '"$INSTDIR\hotline-desk.exe" "%1"'

  ${If} $ServerUrl != ""
    WriteRegStr HKCU "Software\HotlineDesk" "ServerUrl" "$ServerUrl"
  ${EndIf}
  ${If} $CaCert != ""
    WriteRegStr HKCU "Software\HotlineDesk" "CaCertificate" "$CaCert"
  ${EndIf}

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\hotline-desk.exe,0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

; Removes the program, its menu entry, the scheme and the settings; the user's data folder
; (%APPDATA%\hotline-desk: cases not yet synced, drafts, reports) stays, as with the MSI.
Section "Uninstall"
  Delete "$INSTDIR\hotline-desk.exe"
  Delete "$INSTDIR\hotline.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\icon.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  DeleteRegKey HKCU "Software\Classes\hotline"
  DeleteRegKey HKCU "Software\HotlineDesk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd
