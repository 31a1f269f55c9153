using System.Globalization;
using Orchestrator.Adapters.MarketData;
using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon;

/// <summary>
/// What <c>backtest --strategy AGENT --llm-live</c> would spend on the agent's live model (issue 18),
/// printed before it may start: the model calls, the tokens, the cost at the agent's prices and the time.
/// </summary>
/// <remarks>
/// Calls: the LLM strategy asks once per schedule period that has data — a bar close of its
/// <c>on: bar_close(…)</c> length, or an interval — for all its symbols together; a period is counted
/// when the data holds an event of the agent's symbols in it, inside <c>--from</c>/<c>--to</c>.
/// Tokens are estimated from the prompt's size (≈ 4 characters a token): the system prompt and
/// answer format, plus per symbol its <c>bars_in_prompt</c> bars and indicators; the answer at
/// <see cref="TypicalAnswerTokensPerSymbol"/> per symbol, at most <c>max_tokens</c>. Time: typically
/// <see cref="TypicalLatency"/> a call, at worst the agent's <c>timeout</c> a call.
/// </remarks>
/// <param name="Calls">Model calls the run would make.</param>
/// <param name="InputTokensPerCall">Estimated prompt tokens of one call.</param>
/// <param name="OutputTokensPerCall">Estimated answer tokens of one call.</param>
/// <param name="Cost">Estimated cost at the agent's prices; null when it has none.</param>
/// <param name="TypicalTime">Calls × <see cref="TypicalLatency"/>.</param>
/// <param name="WorstTime">Calls × the agent's timeout.</param>
public sealed record LlmBacktestEstimate(long Calls, long InputTokensPerCall, long OutputTokensPerCall, decimal? Cost, TimeSpan TypicalTime, TimeSpan WorstTime)
{
    /// <summary>Characters per token of the estimate.</summary>
    public const int CharsPerToken = 4;

    /// <summary>Characters of the answer format, the context's headings, the risk limits and the history, whatever the symbols.</summary>
    public const int FixedPromptChars = 4_000;

    /// <summary>Characters of one bar line in the prompt.</summary>
    public const int CharsPerBar = 80;

    /// <summary>Characters of one symbol's indicators, position and forming bar.</summary>
    public const int CharsPerSymbol = 400;

    /// <summary>Answer tokens per symbol when the agent sets no <c>max_tokens</c> below it.</summary>
    public const int TypicalAnswerTokensPerSymbol = 60;

    /// <summary>Latency assumed for a typical call (a hosted model's answer of a few hundred tokens).</summary>
    public static readonly TimeSpan TypicalLatency = TimeSpan.FromSeconds(2);

    /// <summary>Input tokens of the whole run.</summary>
    public long InputTokens => Calls * InputTokensPerCall;

    /// <summary>Output tokens of the whole run.</summary>
    public long OutputTokens => Calls * OutputTokensPerCall;

    /// <summary>The estimate for <paramref name="model"/> (its schedule, symbols, prompt, prices, timeout) over the data file's events in [<paramref name="fromNs"/>, <paramref name="toNs"/>).</summary>
    public static LlmBacktestEstimate Compute(AgentModel model, IReadOnlyList<string> symbols, string dataPath, long fromNs, long toNs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(symbols);
        long periodNs = model.OnBarClose?.DurationNs ?? model.Interval?.Ticks * 100 ?? 0;
        long calls = periodNs > 0 ? PeriodsWithData(dataPath, symbols, periodNs, fromNs, toNs) : 0;
        long promptChars = FixedPromptChars + (model.Prompt?.Length ?? 0) + (symbols.Count * ((model.BarsInPrompt * (long)CharsPerBar) + CharsPerSymbol));
        long input = (promptChars + CharsPerToken - 1) / CharsPerToken;
        long output = Math.Min(model.MaxTokens ?? long.MaxValue, (long)TypicalAnswerTokensPerSymbol * Math.Max(1, symbols.Count));
        decimal? cost = model.InputPricePerMillionTokens is null && model.OutputPricePerMillionTokens is null
            ? null
            : ((calls * input * (model.InputPricePerMillionTokens ?? 0m)) + (calls * output * (model.OutputPricePerMillionTokens ?? 0m))) / 1_000_000m;
        return new LlmBacktestEstimate(calls, input, output, cost, TypicalLatency * calls, model.Timeout * calls);
    }

    /// <summary>The lines printed before a live run.</summary>
    public IEnumerable<string> Describe(string agent, AgentModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        yield return string.Create(CultureInfo.InvariantCulture, $"llm-live estimate for {agent} ({model.Provider} {model.Model}):");
        yield return string.Create(CultureInfo.InvariantCulture, $"  model calls: {Calls:N0} (one per {(model.OnBarClose is { } tf ? "bar close of " + Duration(TimeSpan.FromTicks(tf.DurationNs / 100)) : "interval of " + Duration(model.Interval ?? TimeSpan.Zero))} with data)");
        yield return string.Create(CultureInfo.InvariantCulture, $"  tokens: ~{InputTokens:N0} input (~{InputTokensPerCall:N0} a call), ~{OutputTokens:N0} output (~{OutputTokensPerCall:N0} a call)");
        yield return Cost is { } cost
            ? string.Create(CultureInfo.InvariantCulture, $"  cost: ~{cost:0.####} at {model.InputPricePerMillionTokens ?? 0m:0.####} / {model.OutputPricePerMillionTokens ?? 0m:0.####} per million input / output tokens")
            : "  cost: unknown (agent_model.yaml gives the agent no price_per_mtok_input / price_per_mtok_output)";
        yield return string.Create(CultureInfo.InvariantCulture, $"  time: ~{Duration(TypicalTime)} at ~{TypicalLatency.TotalSeconds:0.#} s a call, at most {Duration(WorstTime)} (timeout {Duration(model.Timeout)} a call)");
    }

    private static long PeriodsWithData(string dataPath, IReadOnlyList<string> symbols, long periodNs, long fromNs, long toNs)
    {
        var table = new SymbolTable(symbols);
        using var reader = new MarketDataFileReader(dataPath, table, NLog.LogManager.CreateNullLogger());
        var periods = new HashSet<long>();
        while (reader.TryGetNext(out MarketTick tick))
        {
            if (tick.TsEventNs >= fromNs && tick.TsEventNs < toNs)
            {
                periods.Add(Math.DivRem(tick.TsEventNs, periodNs, out long rem) - (rem < 0 ? 1 : 0));
            }
        }

        // The last period's bar has not closed when the data ends (a bar close); an interval's timer
        // fires in each period with data after the first.
        return Math.Max(0, periods.Count - 1);
    }

    private static string Duration(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalHours:0.#} h")
        : t.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMinutes:0.#} min")
            : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###} s");
}
