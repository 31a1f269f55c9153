using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Agents.Market;
using Orchestrator.Engine.Indicators;

namespace Orchestrator.Agents.Agents;

/// <summary>Parameters of <c>data_agent.get_technical_indicators</c>.</summary>
/// <param name="Symbols">Symbols to compute for (1–50).</param>
/// <param name="Indicators">Any of rsi, macd, ema, sma, bollinger, atr, in any case (default: all); answered under the lower-case name.</param>
/// <param name="Period">Period of rsi, ema, sma, bollinger and atr (2–500, default 14).</param>
/// <param name="FastPeriod">MACD fast EMA (default 12).</param>
/// <param name="SlowPeriod">MACD slow EMA (default 26).</param>
/// <param name="SignalPeriod">MACD signal EMA (default 9).</param>
/// <param name="BandWidth">Bollinger band width in standard deviations (default 2).</param>
/// <param name="Bars">How many of the latest closed bars to compute over, 1 to <see cref="MaxBars"/> (default: all the store holds, as the strategy agent's prompt does).</param>
public sealed record IndicatorParams(
    IReadOnlyList<string> Symbols,
    IReadOnlyList<string>? Indicators = null,
    int Period = 14,
    int FastPeriod = 12,
    int SlowPeriod = 26,
    int SignalPeriod = 9,
    decimal BandWidth = 2m,
    int Bars = IndicatorParams.MaxBars) : IAgentParams
{
    /// <summary>The most bars a request may ask for: what the bar store holds per symbol.</summary>
    public const int MaxBars = BarStore.DefaultCapacityPerSymbol;

    public static IReadOnlyList<string> Known { get; } = ["rsi", "macd", "ema", "sma", "bollinger", "atr"];

    public IEnumerable<string> Validate()
    {
        if (Symbols is null || Symbols.Count is 0 or > 50 || Symbols.Any(string.IsNullOrWhiteSpace))
        {
            yield return "symbols: 1 to 50 non-empty symbols";
        }

        foreach (string unknown in (Indicators ?? []).Where(i => !Known.Contains(i, StringComparer.OrdinalIgnoreCase)))
        {
            yield return $"indicators: '{unknown}' is not one of {string.Join(", ", Known)}";
        }

        if (Period is < 2 or > 500)
        {
            yield return $"period: must be between 2 and 500, got {Period}";
        }

        if (FastPeriod < 2 || SlowPeriod <= FastPeriod || SignalPeriod < 2 || SlowPeriod > 500)
        {
            yield return "fast_period, slow_period, signal_period: need 2 <= fast < slow <= 500 and signal >= 2";
        }

        if (BandWidth is <= 0m or > 10m)
        {
            yield return $"band_width: must be in (0, 10], got {BandWidth}";
        }

        if (Bars is < 1 or > MaxBars)
        {
            yield return $"bars: must be between 1 and {MaxBars} (the bars kept per symbol), got {Bars}";
        }
    }
}

/// <summary>
/// <c>data_agent</c>: technical indicators over the bars it holds (built from the live feed or
/// loaded from a file into the shared <see cref="BarStore"/>), computed with the engine's own
/// indicator classes so an agent and the engine never disagree about an RSI. A value still
/// warming up (fewer bars than it needs) is null, with <c>warming_up</c> true — never a guess.
/// </summary>
/// <remarks>
/// One definition of "the indicators now", shared with the strategy agent's prompt: over
/// <b>closed bars only</b> (the bar still forming is left out, so a value does not move with every
/// trade and means the same thing to every reader), by default over every closed bar the store
/// holds. <c>as_of</c> is the start of the newest closed bar used. Symbols and indicator names are
/// matched without regard to case.
/// </remarks>
public sealed class DataAgent : AgentBase
{
    public const string AgentName = "data_agent";

    private readonly BarStore _bars;
    private readonly IReadOnlyList<string> _symbols;

    /// <param name="bars">The shared bar store.</param>
    /// <param name="symbols">Symbols that may be asked for (the engine's).</param>
    /// <param name="time">Clock for heartbeats.</param>
    public DataAgent(BarStore bars, IReadOnlyList<string> symbols, TimeProvider? time = null)
        : base(AgentName, time)
    {
        _bars = bars;
        _symbols = symbols;
        Register<IndicatorParams>("get_technical_indicators", (p, _) => Task.FromResult<JsonNode?>(Compute(p)));
    }

    private JsonObject Compute(IndicatorParams p)
    {
        string[] unknown = [.. p.Symbols.Where(s => !_symbols.Contains(s, StringComparer.OrdinalIgnoreCase))];
        if (unknown.Length > 0)
        {
            throw new AgentException(Routing.AgentErrors.InvalidParams, $"symbols: {string.Join(", ", unknown)} not traded here ({string.Join(", ", _symbols)})");
        }

        IReadOnlyList<string> wanted = p.Indicators is { Count: > 0 } list
            ? [.. list.Select(i => i.ToLowerInvariant()).Distinct(StringComparer.Ordinal)]
            : IndicatorParams.Known;
        if (p.Bars > _bars.CapacityPerSymbol)
        {
            throw new AgentException(Routing.AgentErrors.InvalidParams, $"bars: at most {_bars.CapacityPerSymbol} (the bars kept per symbol), got {p.Bars}");
        }

        var result = new JsonObject();
        foreach (string symbol in p.Symbols)
        {
            string name = _symbols.First(s => string.Equals(s, symbol, StringComparison.OrdinalIgnoreCase));
            result[name] = ForSymbol(name, p, wanted);
        }

        return result;
    }

    private JsonObject ForSymbol(string symbol, IndicatorParams p, IReadOnlyList<string> wanted)
    {
        IReadOnlyList<Bar> bars = _bars.GetBars(symbol, p.Bars); // closed bars only: see the remarks
        var rsi = new Rsi(p.Period);
        var macd = new Macd(p.FastPeriod, p.SlowPeriod, p.SignalPeriod);
        var ema = new Ema(p.Period);
        var sma = new Sma(p.Period);
        var bollinger = new BollingerBands(p.Period, (double)p.BandWidth);
        var atr = new Atr(p.Period);
        foreach (Bar bar in bars)
        {
            double close = (double)bar.Close; // indicators are analytics in double; money stays decimal
            rsi.Update(close);
            macd.Update(close);
            ema.Update(close);
            sma.Update(close);
            bollinger.Update(close);
            atr.Update((double)bar.High, (double)bar.Low, close);
        }

        var node = new JsonObject
        {
            ["bars"] = bars.Count,
            ["last_close"] = bars.Count > 0 ? bars[^1].Close : null,
            ["as_of"] = bars.Count > 0 ? bars[^1].StartUtc.ToString("O", CultureInfo.InvariantCulture) : null,
        };
        bool warming = false;
        foreach (string indicator in wanted)
        {
            (bool ready, JsonNode? value) = indicator switch
            {
                "rsi" => (rsi.IsReady, (JsonNode?)Number(rsi.Value)),
                "ema" => (ema.IsReady, Number(ema.Value)),
                "sma" => (sma.IsReady, Number(sma.Value)),
                "atr" => (atr.IsReady, Number(atr.Value)),
                "macd" => (macd.IsReady, new JsonObject { ["macd"] = Number(macd.MacdLine), ["signal"] = Number(macd.SignalLine), ["histogram"] = Number(macd.Histogram) }),
                _ => (bollinger.IsReady, new JsonObject { ["upper"] = Number(bollinger.Upper), ["middle"] = Number(bollinger.Middle), ["lower"] = Number(bollinger.Lower), ["percent_b"] = Number(bollinger.PercentB) }),
            };
            node[indicator] = ready ? value : null;
            warming |= !ready;
        }

        node["warming_up"] = warming;
        return node;
    }

    private static JsonValue? Number(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 6)) : null;
}
