"""The shared limiter's Lua scripts, each one atomic booking in Redis, and reading their answers."""

from __future__ import annotations

import math
from typing import Any

from haulmer._core.ratelimit import Booking

__all__ = ["BOOK_SCRIPT", "FORGET_SCRIPT", "HOLD_SCRIPT", "answer_shape", "booking_of_answer"]

BOOK_SCRIPT = """
-- KEYS[1]: the bucket's sends (a sorted set scored by send time), KEYS[2]: its hold, KEYS[3]:
-- the hold's length in seconds, KEYS[4]: the longest window a limiter sharing the bucket counts,
-- KEYS[5]: the bookings given up by their callers (FORGET_SCRIPT).
-- ARGV[1]: this send's member, ARGV[2]: the margin, ARGV[3]: now in seconds, or '' for Redis's
-- own TIME, ARGV[4..]: (count, period) pairs.
-- Records a send now if every window has room (returns {1, 0}); otherwise records nothing and
-- returns {0, seconds} until the earliest moment one might.
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local stamp = string.format('%.6f', now)
local margin = tonumber(ARGV[2])
local own = 0
for i = 4, #ARGV, 2 do
  own = math.max(own, tonumber(ARGV[i + 1]))
end
-- Sends are kept for the longest window any limiter sharing the bucket counts: one with shorter
-- windows (a batch kept gentler) must not drop those a longer one still counts.
local longest = own
local shared = tonumber(redis.call('GET', KEYS[4]))
if shared and shared > own then
  longest = shared
end
-- A send is recorded at the moment it goes: one scored after now means the clock was stepped
-- back (an NTP correction, a failover to a replica behind). It went at the latest now; so
-- counted, it keeps its place in the windows without holding them for the size of the step.
local ahead = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. stamp, '+inf')
for _, member in ipairs(ahead) do
  redis.call('ZADD', KEYS[1], stamp, member)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest - margin)
if longest == own then  -- told the others, until this limiter's longest window has passed
  redis.call('SET', KEYS[4], string.format('%.6f', own), 'PX',
             math.ceil((own + margin) * 1000) + 1000)
end
-- This send already recorded: the same booking asked again (its answer was lost with its
-- connection, and the command sent once more), not one more send.
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return {1, '0'}
end
-- A booking its caller gave up (cancelled) before this script reached Redis: nobody sends on it.
if redis.call('ZSCORE', KEYS[5], ARGV[1]) then
  return {0, '0'}
end
local wait = 0
local held = redis.call('GET', KEYS[2])
if held then
  local left = tonumber(held) - now
  local length = tonumber(redis.call('GET', KEYS[3]))
  if length and left > length then  -- the clock was stepped back: hold no longer than asked
    left = length
    redis.call('SET', KEYS[2], string.format('%.6f', now + length), 'PX',
               math.ceil(length * 1000) + 1000)
    redis.call('PEXPIRE', KEYS[3], math.ceil(length * 1000) + 1000)
  end
  wait = math.max(wait, left)
end
local size = redis.call('ZCARD', KEYS[1])
for i = 4, #ARGV, 2 do
  local count = tonumber(ARGV[i])
  local period = tonumber(ARGV[i + 1])
  if size >= count then
    local nth = redis.call('ZRANGE', KEYS[1], -count, -count, 'WITHSCORES')
    wait = math.max(wait, tonumber(nth[2]) + period + margin - now)
  end
end
if wait > 0 then
  return {0, string.format('%.6f', wait)}
end
redis.call('ZADD', KEYS[1], stamp, ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil((longest + margin) * 1000) + 1000)
return {1, '0'}
"""
"""Record a send now if every window (and the hold) allows it, else say how long to wait."""

HOLD_SCRIPT = """
-- KEYS[1]: the bucket's hold, KEYS[2]: the hold's length; ARGV[1]: seconds from now during
-- which nothing is booked, ARGV[2]: now in seconds, or '' for Redis's own TIME.
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local seconds = math.max(0, tonumber(ARGV[1]))
local held = redis.call('GET', KEYS[1])
if (not held) or tonumber(held) < now + seconds then
  local expiry = math.ceil(seconds * 1000) + 1000
  redis.call('SET', KEYS[1], string.format('%.6f', now + seconds), 'PX', expiry)
  redis.call('SET', KEYS[2], string.format('%.6f', seconds), 'PX', expiry)
end
return 1
"""
"""Push the bucket's hold to ``seconds`` from now (never pulls it back)."""

FORGET_SCRIPT = """
-- KEYS[1]: the bucket's sends, KEYS[2]: the bookings given up; ARGV[1]: the booking's member,
-- ARGV[2]: now in seconds, or '' for Redis's own TIME, ARGV[3]: seconds to remember it.
-- A call cancelled while it booked cannot know whether its script ran: this removes the send
-- if it was recorded, and remembers the member so that a script still on its way (sent on a
-- connection the cancellation dropped) records nothing, whichever reaches Redis first.
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local keep = tonumber(ARGV[3])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - keep)
redis.call('ZADD', KEYS[2], string.format('%.6f', now), ARGV[1])
redis.call('PEXPIRE', KEYS[2], math.ceil(keep * 1000) + 1000)
return 1
"""
"""Give up a booking whose answer its caller will never read (see the script's comment)."""


def booking_of_answer(bucket: str, member: str, answer: Any) -> Booking | None:
    """The script's answer as a Booking: a send recorded now, or a wait before asking again;
    None for an answer the script never gives (not its pair of a 0 or 1 and a finite wait)."""
    if not isinstance(answer, (list, tuple)) or len(answer) != 2:
        return None
    recorded, wait = (_number(value) for value in answer)
    if recorded not in (0, 1) or wait is None or not math.isfinite(wait):
        return None
    if recorded:
        return Booking(bucket, member, 0.0)
    return Booking(bucket, None, max(wait, 0.001), reserved=False)


def _number(value: Any) -> float | None:
    """A number of a script's answer, as redis-py gives it (int, bytes or text), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, bytes, str)):
        return None
    try:
        return float(value)
    except (ValueError, OverflowError):
        return None


def answer_shape(answer: Any) -> str:
    """What an answer is, for a message, never its content."""
    if isinstance(answer, (list, tuple)):
        return f"a list of {len(answer)}" if len(answer) != 2 else "a pair that is no booking"
    return "None" if answer is None else f"a {type(answer).__name__}"
