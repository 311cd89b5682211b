"""The browser layer: draws the core's state into the page and carries out its decisions.

Only `ffi` imports the FFI (`pyodide.ffi`, or `pyscript.ffi` under MicroPython); every other
module takes `js`, `to_js` and the proxies from it. py/main.py builds and connects these parts.

Taking calls
    phone        the docked phone, and the hand-over of the boot script's queued messages
    workspace    the views of one page kept in step with the call log (carries out cloudtalk.reactions)
    contact      the contact card              history     the caller's earlier calls, under the card
    notes        the shown call's note and disposition
    timeline     the call timeline: paged, searchable, filtered by outcome
    callbacks    "To call back" and its count  summary     Today at a glance
    alerts       title flash, announcements, desktop notifications, the leave-page guard
    screen_pop   the CRM link and pop-up       router      hash routing between views (never touches the phone)
    host         each accepted event as a `cloudtalk:<event>` DOM event, for the host page's JavaScript

The history
    calls_db     IndexedDB as the call store   archive     loading, the one-time move, restore and export
    history_actions  the toolbar: export, import, clear
    tabs         other tabs of this browser: what each changed, told and taken in
    storage      localStorage as `Storage`     storage_panel   space used, and asking the browser to keep it

Around the calls
    readiness    the readiness check and the offline banner;  microphone  the microphone test
    installable  the service worker, the update banner, the install offer, the badge
    runtime      how the runtime started, and the memory snapshot for the next start
    panels       the Settings form and the Diagnostics list

Underneath
    ffi          the one way to JavaScript, shared with the boot script
    dom          DOM helpers, background work (`spawn`), downloads, local times
    probes       hooks for the benchmark and the tests, off unless asked for
"""
