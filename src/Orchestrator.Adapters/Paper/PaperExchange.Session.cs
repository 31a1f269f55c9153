using Orchestrator.Core.Calendars;

namespace Orchestrator.Adapters.Paper;

/// <summary>
/// The session rule of the paper venue (issue 19). With exchange calendars
/// (<see cref="PaperExchangeOptions.Calendars"/>) an order matches only on market data stamped inside its
/// symbol's regular session: pre-market, post-market, night, weekend and holiday prints set the last price
/// but fill nothing, trigger no stop and move no trail. An order the risk stage took for the open (a Day order
/// in the pre-market, a GTC or OPG order after the close) therefore fills at or after the regular open, as
/// orders without an extended-hours flag do at KRX and at US venues. Bars count by their time stamp, so
/// intraday bars should be stamped inside their session (e.g. at their start).
/// </summary>
public sealed partial class PaperExchange
{
    private readonly ExchangeCalendar?[]? _calendars;

    /// <summary>Whether orders of the symbol may match at <paramref name="tsNs"/>: always without a calendar; an array look-up, no allocation.</summary>
    private bool InRegularSession(int symbolId, long tsNs) =>
        _calendars is not { } calendars
        || (uint)symbolId >= (uint)calendars.Length
        || calendars[symbolId] is not { } calendar
        || calendar.SessionAt(tsNs) == SessionKind.Regular;
}
