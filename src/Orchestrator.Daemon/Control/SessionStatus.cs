namespace Orchestrator.Daemon.Control;

/// <summary>The session's state and counters; cash is the base currency's, equity the account's in the base currency.</summary>
public sealed record SessionStatus(string State, bool KillSwitch, long RiskParametersVersion, long Events, long Orders, long Fills, long Rejects, int OpenOrders, decimal Cash, decimal Equity)
{
    /// <summary>The in-process strategies the engine runs (<c>daemon.yaml</c> <c>strategies:</c>, enabled ones).</summary>
    public IReadOnlyList<StrategyStatus> Strategies { get; init; } = [];

    /// <summary>Each currency's cash, equity and P&amp;L in that currency, the base first (issue 19).</summary>
    public IReadOnlyList<CurrencyFigures> Currencies { get; init; } = [];
}

/// <summary>One strategy the engine runs: its name (the source of its signals and orders), where it runs (fast_path or slow_path), and its symbols.</summary>
public sealed record StrategyStatus(string Name, string Threading, IReadOnlyList<string> Symbols);
