// The first ask for the Web Lock that keeps one phone per browser (py/boot.py, "one phone per
// browser"), made as the page is parsed rather than when the boot script runs. The boot script runs
// once MicroPython has started, ~100 ms later, and the browser's answer to a lock request takes
// 10-25 ms; asked here, the answer is in before the script asks for it, so the phone is placed the
// moment the script runs. Only the first ask moves here: the boot script keeps every rule about the
// lock (mounting the phone, giving it up, asking again, taking it over), and asks by itself if this
// module did not run.
//
// globalThis.cloudtalkLock, read by py/boot.py:
//   answer  a promise of "held" (this tab has the lock), "elsewhere" (another tab has it), or "refused"
//           (the browser refused the request: the boot script asks itself, as without this module)
//   release a function that lets the lock go, while this tab holds it
//   lost    set by the boot script: called with the error if another tab takes the lock (`steal`)
//   error   that error, if the lock was taken before the boot script set `lost`
const LOCK = "cloudtalk-phone";

// Every field is present, and null while unset: MicroPython reads null as None, but undefined as a
// true value and a missing field as an AttributeError.
const early = (globalThis.cloudtalkLock = { answer: null, release: null, lost: null, error: null });

if (globalThis.navigator?.locks && "BroadcastChannel" in globalThis) {
  let held = false;
  early.answer = new Promise((answered) => {
    navigator.locks
      .request(LOCK, { ifAvailable: true }, (lock) => {
        held = lock !== null;
        answered(held ? "held" : "elsewhere");
        // Held until released: the promise returned here is what the lock lasts for.
        return lock && new Promise((resolve) => { early.release = resolve; });
      })
      .catch((error) => {
        early.release = null;
        if (!held) return answered("refused"); // refused before any answer
        if (early.lost) early.lost(error); // taken by another tab
        else early.error = error;
      });
  });
}
