using System.Diagnostics.CodeAnalysis;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Snapshots;
using Orchestrator.Engine.State;

namespace Orchestrator.Engine.Handlers;

/// <summary>
/// The daily counters (issue 19): the start-of-day equity the daily-loss rule measures from and the orders-per-day
/// bucket, one of each per trading day slot (<see cref="TradingDays"/>). With exchange calendars each exchange's day
/// starts at its local midnight and a signal meets the counters of its symbol's exchange: a KRX order placed in the
/// pre-market counts toward that KRX day, not the UTC day before, and a loss in New York's post-market is not
/// forgotten at UTC midnight. Without calendars there is one slot, the UTC day, as before.
/// </summary>
public sealed partial class RiskManagerHandler
{
    private TradingDays _days;
    private long[] _startOfDayEquityRaw;
    private TokenBucket[] _perDay;

    /// <summary>The account's equity at the start of the trading day of <paramref name="symbolId"/>'s exchange.</summary>
    public long StartOfDayEquityRawOf(int symbolId) => _startOfDayEquityRaw[_days.SlotOf(symbolId)];

    [MemberNotNull(nameof(_days), nameof(_startOfDayEquityRaw), nameof(_perDay))]
    private void UseDays(TradingDays days)
    {
        long capacity = _perDay is { Length: > 0 } ? _perDay[0].Capacity : 0;
        _days = days;
        _startOfDayEquityRaw = new long[days.Count];
        Array.Fill(_startOfDayEquityRaw, _portfolio.EquityRaw);
        _perDay = new TokenBucket[days.Count];
        for (int slot = 0; slot < _perDay.Length; slot++)
        {
            _perDay[slot] = new TokenBucket(capacity, NsPerDay);
        }
    }

    /// <summary>A live change keeps what the daily buckets have used unless their capacity changes.</summary>
    private void ApplyDailyLimit(int maxOrdersPerDay)
    {
        for (int slot = 0; slot < _perDay.Length; slot++)
        {
            if (_perDay[slot].Capacity != maxOrdersPerDay || !_perDay[slot].Enabled)
            {
                _perDay[slot] = new TokenBucket(maxOrdersPerDay, NsPerDay);
            }
        }
    }

    /// <summary>Starts the day of every slot whose day <paramref name="tsNs"/> has left (an event's time; no allocation).</summary>
    private void RollDays(long tsNs)
    {
        for (int slot = 0; slot < _perDay.Length; slot++)
        {
            if (_days.Advance(slot, tsNs))
            {
                StartDay(slot, tsNs);
            }
        }
    }

    /// <summary>The start-of-day command: every slot starts its day now, at <paramref name="equityRaw"/> when positive.</summary>
    private void StartAllDays(long tsNs, long equityRaw)
    {
        _days.MoveAllTo(tsNs);
        for (int slot = 0; slot < _perDay.Length; slot++)
        {
            StartDay(slot, tsNs);
            if (equityRaw > 0)
            {
                _startOfDayEquityRaw[slot] = equityRaw;
            }
        }
    }

    private void StartDay(int slot, long tsNs)
    {
        _startOfDayEquityRaw[slot] = _portfolio.EquityRaw;
        _perDay[slot].Reset();
        _audit.TryPublish(new AuditRecord { Kind = AuditKind.DayStarted, Value = _startOfDayEquityRaw[slot], TsEventNs = tsNs });
    }

    private void WriteDays(ref StateWriter w)
    {
        _days.WriteState(ref w);
        w.Int64s(_startOfDayEquityRaw);
        for (int slot = 0; slot < _perDay.Length; slot++)
        {
            _perDay[slot].WriteState(ref w);
        }
    }

    private void ReadDays(ref StateReader r)
    {
        _days.ReadState(ref r);
        r.Int64s(_startOfDayEquityRaw);
        for (int slot = 0; slot < _perDay.Length; slot++)
        {
            _perDay[slot].ReadState(ref r);
        }
    }
}
