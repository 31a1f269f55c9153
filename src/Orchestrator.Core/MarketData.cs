namespace Orchestrator.Core;

/// <summary>
/// One market-data update as a feed produces it: a trade tick, a quote tick or a bar. Feeds
/// hand it to an <see cref="IMarketDataSink"/>; the daemon's sink publishes it into the ring
/// (and, with the paper broker, shows it to the simulated exchange).
/// </summary>
public struct MarketTick
{
    /// <summary><see cref="EventKind.TradeTick"/>, <see cref="EventKind.QuoteTick"/> or <see cref="EventKind.Bar"/>.</summary>
    public EventKind Kind;
    public int SymbolId;

    /// <summary>Source time, ns since the Unix epoch.</summary>
    public long TsEventNs;

    /// <summary>Trade price, or bar close. For a quote: the mid (or 0).</summary>
    public long PriceRaw;

    /// <summary>Trade size, or bar volume.</summary>
    public long Size;
    public long BidRaw;
    public long AskRaw;
    public long BidSize;
    public long AskSize;
    public long OpenRaw;
    public long HighRaw;
    public long LowRaw;
}

/// <summary>Receives market data from a feed. Called on the feed's thread.</summary>
public interface IMarketDataSink
{
    void OnMarketData(in MarketTick tick);
}

/// <summary>A broker's answer about one order.</summary>
public struct ExecutionReport
{
    public long ClientOrderId;
    public int SymbolId;
    public ExecutionType ExecType;
    public Side Side;

    /// <summary>Shares filled by this report (0 unless a fill).</summary>
    public long FillQuantity;
    public long FillPriceRaw;
    public long CommissionRaw;

    /// <summary>Shares still open on the order after this report.</summary>
    public long LeavesQuantity;
    public RejectReason Reject;

    /// <summary>Venue time, ns since the Unix epoch.</summary>
    public long TsEventNs;

    /// <summary>On <see cref="ExecutionType.Replaced"/>: the order's new total quantity (fills included) and prices (raw; 0 = none).</summary>
    public long Quantity;
    public long LimitRaw;
    public long StopRaw;
}

/// <summary>Receives execution reports from a broker. Called on the broker's thread.</summary>
public interface IExecutionReportSink
{
    void OnExecutionReport(in ExecutionReport report);
}
