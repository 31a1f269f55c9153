using System.Globalization;
using Orchestrator.Backtest;
using Orchestrator.Backtest.Optimization;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon;

/// <summary>
/// How <c>backtest optimize</c> turns a candidate's parameter values into backtest options: the
/// options the <c>backtest</c> command builds for the strategy (<see cref="BacktestCommand.BuildOptions"/>,
/// from the configuration), with the swept rule settings of risk_management.yaml <c>rules:</c>
/// replaced. The built-in rules take <c>fast</c>, <c>slow</c> (momentum), <c>period</c>,
/// <c>oversold</c>, <c>overbought</c> (rsi_reversion) and <c>confidence</c> (both). A strategy of
/// daemon.yaml <c>strategies:</c> takes the parameters of its options type (<c>parameters:</c>),
/// each candidate's values bound over the file's and validated by the strategy
/// (<see cref="StrategyDefinition.WithParameters"/>); it runs alone, as in <c>backtest --strategy NAME</c>.
/// </summary>
internal sealed class SweepTarget
{
    private sealed record RuleParameter(string Rule, decimal Min, decimal Max, bool Whole, Func<RuleOptions, decimal, RuleOptions> Apply);

    private static readonly Dictionary<string, RuleParameter> s_ruleParameters = new(StringComparer.Ordinal)
    {
        ["fast"] = new("momentum", 1, 10_000, true, (r, v) => r with { MomentumFastPeriod = (int)v }),
        ["slow"] = new("momentum", 2, 10_000, true, (r, v) => r with { MomentumSlowPeriod = (int)v }),
        ["period"] = new("rsi_reversion", 2, 10_000, true, (r, v) => r with { RsiPeriod = (int)v }),
        ["oversold"] = new("rsi_reversion", 1, 99, false, (r, v) => r with { RsiOversold = v }),
        ["overbought"] = new("rsi_reversion", 1, 99, false, (r, v) => r with { RsiOverbought = v }),
        ["confidence"] = new("rules", 0, 1, false, (r, v) => r with { RuleConfidence = v }),
    };

    private readonly BacktestOptions _base;
    private readonly RuleParameter[] _parameters;
    private readonly (DaemonConfig Config, StrategyDefinition Strategy, IReadOnlyList<string> Symbols, string[] Names)? _configured;

    private SweepTarget(BacktestOptions options, RuleParameter[] parameters) => (_base, _parameters) = (options, parameters);

    private SweepTarget(BacktestOptions options, DaemonConfig config, StrategyDefinition strategy, IReadOnlyList<string> symbols, string[] names)
        : this(options, []) => _configured = (config, strategy, symbols, names);

    /// <summary>The target for <paramref name="strategy"/>, or null with every problem (naming the <c>--param</c>) added to <paramref name="errors"/>.</summary>
    public static SweepTarget? Create(DaemonConfig config, string strategy, IReadOnlyList<ParameterRange> parameters, IReadOnlyList<string> symbols, List<string> errors)
    {
        if (config.Strategies.FirstOrDefault(d => d.Name == strategy) is { } configured)
        {
            return Configured(config, configured, parameters, symbols, errors);
        }

        if (BacktestCommand.Strategy(strategy) is not { } rules)
        {
            string names = config.Strategies.Count == 0 ? string.Empty : ", or a strategy of daemon.yaml strategies: (" + string.Join(", ", config.Strategies.Select(d => d.Name)) + ")";
            errors.Add($"--strategy: '{strategy}' cannot be optimised: momentum, rsi_reversion, rules (both){names} can");
            return null;
        }

        var chosen = new List<RuleParameter>();
        int before = errors.Count;
        foreach (ParameterRange p in parameters)
        {
            string[] known = [.. s_ruleParameters.Where(x => Applies(x.Value, rules)).Select(x => x.Key)];
            if (!s_ruleParameters.TryGetValue(p.Name, out RuleParameter? rule) || !Applies(rule, rules))
            {
                errors.Add($"--param {p.Name}: not a parameter of {strategy} (its parameters: {string.Join(", ", known)})");
                continue;
            }

            foreach (decimal v in p.Values)
            {
                if (v < rule.Min || v > rule.Max || (rule.Whole && v != decimal.Truncate(v)))
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"--param {p.Name}: {v} is out of range ({(rule.Whole ? "a whole number " : string.Empty)}from {rule.Min} to {rule.Max})"));
                    break;
                }
            }

            chosen.Add(rule);
        }

        if (parameters.Select(p => p.Name).Distinct().Count() != parameters.Count)
        {
            errors.Add("--param: a parameter is given twice");
        }

        if (errors.Count > before)
        {
            return null;
        }

        BacktestOptions options = BacktestCommand.BuildOptions(config, symbols, rules, [], long.MinValue, long.MaxValue, BacktestMode.SingleThread);
        return new SweepTarget(options, [.. chosen]);
    }

    private static SweepTarget? Configured(DaemonConfig config, StrategyDefinition strategy, IReadOnlyList<ParameterRange> parameters, IReadOnlyList<string> symbols, List<string> errors)
    {
        int before = errors.Count;
        if (strategy.WithParameters is null)
        {
            errors.Add($"--strategy: {strategy.Name} ({strategy.TypeName}) takes no parameters to sweep (it does not derive from Strategy<TOptions>)");
            return null;
        }

        foreach (ParameterRange p in parameters.Where(p => !strategy.ParameterNames.Contains(p.Name, StringComparer.Ordinal)))
        {
            errors.Add($"--param {p.Name}: not a parameter of {strategy.Name} (its parameters: {string.Join(", ", strategy.ParameterNames)})");
        }

        if (strategy.Symbols.Where(x => !symbols.Contains(x, StringComparer.Ordinal)).ToList() is { Count: > 0 } missing)
        {
            errors.Add($"--strategy: {strategy.Name} trades {string.Join(", ", missing)}, which the data does not hold (its symbols: {string.Join(", ", symbols)})");
        }

        if (errors.Count > before)
        {
            return null;
        }

        BacktestOptions options = BacktestCommand.BuildOptions(config, symbols, null, [], long.MinValue, long.MaxValue, BacktestMode.SingleThread);
        return new SweepTarget(options, config, strategy, symbols, [.. parameters.Select(p => p.Name)]);
    }

    /// <summary>A candidate's options over [<paramref name="fromNs"/>, <paramref name="toNs"/>), or null and why (e.g. fast not below slow).</summary>
    public BacktestOptions? Options(SweepCandidate candidate, long fromNs, long toNs, out string? problem)
    {
        if (_configured is { } c)
        {
            var changes = new KeyValuePair<string, string>[c.Names.Length];
            for (int i = 0; i < changes.Length; i++)
            {
                changes[i] = new(c.Names[i], candidate.Values[i].ToString(CultureInfo.InvariantCulture));
            }

            (StrategyDefinition? tuned, problem) = c.Strategy.WithParameters!(changes);
            return tuned is null ? null : BacktestCommand.BuildOptions(c.Config, c.Symbols, null, [], fromNs, toNs, BacktestMode.SingleThread, tuned);
        }

        RuleOptions rules = _base.Engine.Rules;
        for (int i = 0; i < _parameters.Length; i++)
        {
            rules = _parameters[i].Apply(rules, candidate.Values[i]);
        }

        problem = rules.MomentumEnabled && rules.MomentumFastPeriod >= rules.MomentumSlowPeriod
                ? $"fast ({rules.MomentumFastPeriod}) must be below slow ({rules.MomentumSlowPeriod})"
            : rules.RsiReversionEnabled && rules.RsiOversold >= rules.RsiOverbought
                ? string.Create(CultureInfo.InvariantCulture, $"oversold ({rules.RsiOversold}) must be below overbought ({rules.RsiOverbought})")
            : null;
        return problem is null ? _base with { Engine = _base.Engine with { Rules = rules }, FromNs = fromNs, ToNs = toNs } : null;
    }

    private static bool Applies(RuleParameter p, RuleOptions rules) =>
        p.Rule == "rules" || (p.Rule == "momentum" && rules.MomentumEnabled) || (p.Rule == "rsi_reversion" && rules.RsiReversionEnabled);
}
