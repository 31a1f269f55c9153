using System.Text.Json.Nodes;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Routing;
using Orchestrator.Backtest;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// service_agent.run_backtest: the same backtest as the CLI's, on the configured bars file
/// (<c>agents.backtest_data</c>), with the daemon's configuration, single-threaded on the slow
/// pool (delegate it as a task for long ranges; canceling the task stops it). It returns the full
/// report; <see cref="ServiceAgent"/> answers its caller with the summary and keeps the full one by id.
/// </summary>
public sealed class BacktestService(DaemonConfig config, string dataPath)
{
    public Task<JsonNode?> RunAsync(RunBacktestParams p, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(p);
        Engine.Options.RuleOptions rules = BacktestCommand.Strategy(p.Strategy)
            ?? throw new AgentException(AgentErrors.InvalidParams, $"strategy: expected momentum, rsi_reversion or rules (any case; momentum_strategy works too), got '{p.Strategy}'");
        BacktestData data = BacktestData.Load(dataPath, NLog.LogManager.GetLogger("Orchestrator.Backtest")); // read once (issue 20)
        string[] missing = [.. p.Symbols.Select(s => s.ToUpperInvariant()).Where(s => !data.Symbols.Contains(s))];
        if (missing.Length > 0)
        {
            throw new AgentException(AgentErrors.InvalidParams, $"symbols: {string.Join(", ", missing)} not in the backtest data ({string.Join(", ", data.Symbols)})");
        }

        BacktestCommand.TryParseBound(p.StartDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), endOfDay: false, out long fromNs);
        BacktestCommand.TryParseBound(p.EndDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), endOfDay: true, out long toNs);
        BacktestOptions options = BacktestCommand.BuildOptions(config, [.. p.Symbols.Select(s => s.ToUpperInvariant()).Distinct()], rules, [], fromNs, toNs, BacktestMode.SingleThread);
        var runner = new BacktestRunner(options);
        BacktestResult result = runner.Run(data.Open(runner.Engine.Symbols.Names), cancellationToken);
        return Task.FromResult<JsonNode?>(BacktestCommand.Summary(result, deterministic: false));
    }
}
