using System.Text.Json.Nodes;

namespace Orchestrator.Agents.Agents;

/// <summary>Parameters of <c>service_agent.run_backtest</c> (the brief's example).</summary>
/// <param name="Strategy">A built-in strategy name (momentum, rsi_reversion) or a recorded signal file.</param>
/// <param name="Symbols">Symbols to test.</param>
/// <param name="StartDate">First day, yyyy-MM-dd.</param>
/// <param name="EndDate">Last day, yyyy-MM-dd.</param>
public sealed record RunBacktestParams(string Strategy, IReadOnlyList<string> Symbols, DateOnly StartDate, DateOnly EndDate) : IAgentParams
{
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Strategy))
        {
            yield return "strategy: required";
        }

        if (Symbols is null || Symbols.Count == 0 || Symbols.Any(string.IsNullOrWhiteSpace))
        {
            yield return "symbols: at least one non-empty symbol";
        }

        if (EndDate < StartDate)
        {
            yield return $"end_date: {EndDate:yyyy-MM-dd} is before start_date {StartDate:yyyy-MM-dd}";
        }
    }
}

/// <summary>
/// <c>service_agent</c>: services for other agents and the operator. <c>run_backtest</c> delegates
/// to the backtest runner the host provides; without one it answers "unavailable" with the host's
/// reason (what to configure), rather than pretending.
/// </summary>
public sealed class ServiceAgent : AgentBase
{
    public const string AgentName = "service_agent";

    /// <param name="backtest">Runs a backtest; null when the host has none.</param>
    /// <param name="time">The clock.</param>
    /// <param name="backtestUnavailable">Why there is no backtest and what to set for one (said to the caller).</param>
    public ServiceAgent(Func<RunBacktestParams, CancellationToken, Task<JsonNode?>>? backtest = null, TimeProvider? time = null, string? backtestUnavailable = null)
        : base(AgentName, time)
    {
        string unavailable = backtestUnavailable ?? "backtesting is not configured on this host";
        Register<RunBacktestParams>("run_backtest", (p, ct) => backtest is null
            ? throw new AgentException(Routing.AgentErrors.Unavailable, unavailable)
            : backtest(p, ct));
    }
}
