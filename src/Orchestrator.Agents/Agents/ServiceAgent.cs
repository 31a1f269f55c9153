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

/// <summary>Parameters of <c>service_agent.get_backtest_report</c>.</summary>
/// <param name="ReportId">The <c>report_id</c> a <c>run_backtest</c> answered with.</param>
public sealed record BacktestReportParams(string ReportId) : IAgentParams
{
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ReportId))
        {
            yield return "report_id: required";
        }
    }
}

/// <summary>
/// <c>service_agent</c>: services for other agents and the operator. <c>run_backtest</c> delegates
/// to the backtest runner the host provides; without one it answers "unavailable" with the host's
/// reason (what to configure), rather than pretending.
/// </summary>
/// <remarks>
/// <c>run_backtest</c> answers with the report's summary — every metric, without the list of
/// trades, which can run to hundreds of kilobytes — plus a <c>report_id</c>;
/// <c>get_backtest_report { report_id }</c> answers with the full report (every trade). The last
/// <see cref="KeptReports"/> full reports are kept in memory; an older id is "not found".
/// </remarks>
public sealed class ServiceAgent : AgentBase
{
    public const string AgentName = "service_agent";

    /// <summary>How many full backtest reports are kept for <c>get_backtest_report</c>.</summary>
    public const int KeptReports = 16;

    /// <summary>The member of a full report that the summary leaves out: the trades, one object each.</summary>
    public const string TradesMember = "trades";

    private readonly Lock _reportsGate = new();
    private readonly Queue<(string Id, JsonNode Report)> _reports = new();
    private long _nextReport;

    /// <param name="backtest">Runs a backtest and returns its full report; null when the host has none.</param>
    /// <param name="time">The clock.</param>
    /// <param name="backtestUnavailable">Why there is no backtest and what to set for one (said to the caller).</param>
    public ServiceAgent(Func<RunBacktestParams, CancellationToken, Task<JsonNode?>>? backtest = null, TimeProvider? time = null, string? backtestUnavailable = null)
        : base(AgentName, time)
    {
        string unavailable = backtestUnavailable ?? "backtesting is not configured on this host";
        Register<RunBacktestParams>("run_backtest", async (p, ct) => backtest is null
            ? throw new AgentException(Routing.AgentErrors.Unavailable, unavailable)
            : Summarize(await backtest(p, ct).ConfigureAwait(false)));
        Register<BacktestReportParams>("get_backtest_report", (p, _) => Task.FromResult<JsonNode?>(Report(p.ReportId)));
    }

    /// <summary>Keeps <paramref name="report"/> under a new id and answers its summary: every member but the trades, their count and the id.</summary>
    private JsonNode? Summarize(JsonNode? report)
    {
        if (report is not JsonObject full)
        {
            return report;
        }

        string id;
        lock (_reportsGate)
        {
            id = "bt-" + (++_nextReport).ToString("000000", System.Globalization.CultureInfo.InvariantCulture);
            _reports.Enqueue((id, full));
            while (_reports.Count > KeptReports)
            {
                _reports.Dequeue();
            }
        }

        var summary = new JsonObject { ["report_id"] = id };
        foreach (KeyValuePair<string, JsonNode?> member in full)
        {
            if (member.Key == TradesMember)
            {
                summary["trades_in_full_report"] = member.Value is JsonArray trades ? trades.Count : null;
                continue;
            }

            summary[member.Key] = member.Value?.DeepClone();
        }

        summary["full_report"] = $"service_agent.get_backtest_report {{\"report_id\":\"{id}\"}} (every trade; the last {KeptReports} reports are kept)";
        return summary;
    }

    private JsonNode Report(string id)
    {
        lock (_reportsGate)
        {
            foreach ((string Id, JsonNode Report) kept in _reports)
            {
                if (string.Equals(kept.Id, id.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    return kept.Report.DeepClone();
                }
            }
        }

        throw new AgentException(Routing.AgentErrors.InvalidParams, $"report_id: no report '{id}' (only the last {KeptReports} backtests' reports are kept)");
    }
}
