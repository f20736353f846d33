// The connection gate: one holder at a time, handed on in arrival order, and a waiter that gives up leaves no trace.
import { describe, expect, it } from "vitest";
import { ConnectionGate, GateTimeoutError } from "~/db/connection-gate.server";

const later = (ms: number) => Date.now() + ms;

/** A hand-off takes one turn of the event loop: "nothing was handed on" holds after a few turns, not after some time. */
async function turnsOfTheLoop(count: number) {
  for (let n = 0; n < count; n++) await new Promise((resolve) => setImmediate(resolve));
}

describe("ConnectionGate", () => {
  it("hands the connection on in arrival order, one holder at a time", async () => {
    const gate = new ConnectionGate();
    const order: string[] = [];
    const releaseFirst = await gate.acquire(later(1_000));
    const second = gate.acquire(later(1_000)).then((release) => (order.push("second"), release));
    const third = gate.acquire(later(1_000)).then((release) => (order.push("third"), release));
    await turnsOfTheLoop(3);
    expect(order).toEqual([]);

    releaseFirst();
    const releaseSecond = await second;
    expect(order).toEqual(["second"]);
    releaseSecond();
    (await third)();
    expect(order).toEqual(["second", "third"]);
    // Free again: the next caller gets it at once.
    (await gate.acquire(Date.now()))();
  });

  it("releasing twice hands the connection on once", async () => {
    const gate = new ConnectionGate();
    const release = await gate.acquire(later(1_000));
    const second = gate.acquire(later(1_000));
    let thirdHeld = false;
    const third = gate.acquire(later(1_000)).then((r) => ((thirdHeld = true), r));
    release();
    release();
    const releaseSecond = await second;
    await turnsOfTheLoop(3);
    expect(thirdHeld).toBe(false);
    releaseSecond();
    (await third)();
  });

  it("a waiter past its deadline gives up, and the next one still gets the connection", async () => {
    const gate = new ConnectionGate();
    const release = await gate.acquire(later(1_000));
    const impatient = gate.acquire(later(30));
    const patient = gate.acquire(later(1_000));
    await expect(impatient).rejects.toBeInstanceOf(GateTimeoutError);
    release();
    (await patient)();
  });
});
