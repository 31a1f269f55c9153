namespace Orchestrator.Core.Calendars;

/// <summary>Which part of an exchange's day a moment falls in (<see cref="ExchangeCalendar.SessionAt"/>).</summary>
public enum SessionKind : byte
{
    /// <summary>No trading: night, weekend, holiday, or a moment the calendar does not cover.</summary>
    Closed = 0,

    /// <summary>Before the regular open on a trading day (KRX 08:30–09:00; NYSE 04:00–09:30 ET).</summary>
    PreMarket,

    /// <summary>The regular session, open inclusive, close exclusive.</summary>
    Regular,

    /// <summary>After the regular close on a trading day (KRX until 18:00; NYSE until 20:00 ET, 17:00 on early-close days).</summary>
    PostMarket,
}
