using Orchestrator.Core.Calendars;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.State;

/// <summary>
/// The trading days daily counters roll at (issue 19): one per exchange calendar in use, from its local midnight
/// to the next (the KRX day starts 00:00 KST, the NYSE day 00:00 New York time, daylight saving included), and the
/// UTC day for symbols without a calendar — for every symbol when the engine runs without calendars, so that
/// case rolls at UTC midnight as before. Each symbol id maps to one day slot; <see cref="Advance"/> says when event
/// time has left a slot's day.
/// </summary>
/// <remarks>
/// Built once at start-up; used by one thread (the risk stage). <see cref="Advance"/> compares two longs and only
/// on a new day asks the calendar for the next bounds (an array look-up in the calendar's years): no allocation.
/// </remarks>
public sealed class TradingDays
{
    private const long NsPerDay = 86_400_000_000_000;

    private readonly ExchangeCalendar?[] _calendars; // per slot; null = the UTC day
    private readonly int[] _slotOfSymbol;
    private readonly long[] _startNs;
    private readonly long[] _endNs;

    /// <param name="symbolCount">How many symbol ids there are.</param>
    /// <param name="calendars">Each symbol id's exchange calendar (null entries, or no array, = the UTC day).</param>
    public TradingDays(int symbolCount, ExchangeCalendar?[]? calendars)
    {
        var slots = new List<ExchangeCalendar?>();
        _slotOfSymbol = new int[symbolCount];
        for (int s = 0; s < symbolCount; s++)
        {
            ExchangeCalendar? calendar = calendars is not null && s < calendars.Length ? calendars[s] : null;
            int slot = slots.IndexOf(calendar);
            if (slot < 0)
            {
                slot = slots.Count;
                slots.Add(calendar);
            }

            _slotOfSymbol[s] = slot;
        }

        if (slots.Count == 0)
        {
            slots.Add(null);
        }

        _calendars = [.. slots];
        _startNs = new long[_calendars.Length];
        _endNs = new long[_calendars.Length];
        Array.Fill(_startNs, long.MaxValue); // no day yet: the first event starts one
        Array.Fill(_endNs, long.MinValue);
    }

    /// <summary>How many day slots there are (distinct calendars, the UTC day counted once).</summary>
    public int Count => _calendars.Length;

    /// <summary>The day slot of a symbol id (slot 0, the first symbol's, for an id out of range).</summary>
    public int SlotOf(int symbolId) => (uint)symbolId < (uint)_slotOfSymbol.Length ? _slotOfSymbol[symbolId] : 0;

    /// <summary>The exchange whose day a slot is ("UTC" for the UTC day).</summary>
    public string NameOf(int slot) => _calendars[slot]?.Exchange ?? "UTC";

    /// <summary>
    /// Whether <paramref name="tsNs"/> lies outside the slot's current day; if so the slot moves to the day that
    /// holds it (also backwards, as the UTC rule always did) and the caller starts that day.
    /// </summary>
    public bool Advance(int slot, long tsNs)
    {
        if (tsNs >= _startNs[slot] && tsNs < _endNs[slot])
        {
            return false;
        }

        MoveTo(slot, tsNs);
        return true;
    }

    /// <summary>Moves every slot to the day that holds <paramref name="tsNs"/> (an explicit start-of-day command).</summary>
    public void MoveAllTo(long tsNs)
    {
        for (int slot = 0; slot < _calendars.Length; slot++)
        {
            MoveTo(slot, tsNs);
        }
    }

    /// <summary>Writes the slots' current days (checkpoint).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Int64s(_startNs);
        w.Int64s(_endNs);
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote.</summary>
    internal void ReadState(ref StateReader r)
    {
        r.Int64s(_startNs);
        r.Int64s(_endNs);
    }

    private void MoveTo(int slot, long tsNs)
    {
        if (_calendars[slot] is { } calendar)
        {
            calendar.LocalDayNs(tsNs, out _startNs[slot], out _endNs[slot]);
            return;
        }

        long day = Math.DivRem(tsNs, NsPerDay, out long rem) - (rem < 0 ? 1 : 0);
        _startNs[slot] = day * NsPerDay;
        _endNs[slot] = _startNs[slot] + NsPerDay;
    }
}
