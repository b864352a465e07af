/*
 * hold-open.exe: holds a file open the way PowerShell's `Get-Content -Wait`, an editor or a log
 * shipper does on Windows, for the Windows tests under Wine (tests/windows/).
 *
 *     hold-open.exe PATH [SECONDS]
 *
 * Opens PATH (creating it if missing) for reading and writing with FILE_SHARE_READ |
 * FILE_SHARE_WRITE but WITHOUT FILE_SHARE_DELETE, so while it is held nobody may rename or delete
 * the file (EBUSY in Bun), which is what broke log rotation and restore on Windows. Prints
 * "held PID" (its Windows process id) once the file is open, then holds it until its standard
 * input ends or SECONDS pass (default 120: a crashed test never leaves it behind for long).
 * Compiled by the tests with x86_64-w64-mingw32-gcc (from .ci/wine-setup.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

static DWORD WINAPI wait_for_stdin_end(LPVOID unused) {
  char buffer[256];
  DWORD got;
  (void)unused;
  while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buffer, sizeof buffer, &got, NULL) && got > 0) {
  }
  ExitProcess(0);
  return 0;
}

int wmain(int argc, wchar_t **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: hold-open PATH [SECONDS]\n");
    return 2;
  }
  DWORD seconds = argc > 2 ? (DWORD)_wtoi(argv[2]) : 120;
  HANDLE file = CreateFileW(argv[1], GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS,
                            FILE_ATTRIBUTE_NORMAL, NULL);
  if (file == INVALID_HANDLE_VALUE) {
    fprintf(stderr, "hold-open: cannot open the file (error %lu)\n", GetLastError());
    return 1;
  }
  printf("held %lu\n", GetCurrentProcessId());
  fflush(stdout);
  CreateThread(NULL, 0, wait_for_stdin_end, NULL, 0, NULL);
  Sleep(seconds * 1000);
  CloseHandle(file);
  return 0;
}
