using System.Text.Json.Nodes;
using Orchestrator.Agents.Llm;
using Orchestrator.Agents.Strategy;
using Orchestrator.Agents.Tests.Fakes;
using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.Audit;
using Orchestrator.Strategies;
using Orchestrator.Strategies.Testing;

namespace Orchestrator.Agents.Tests.Llm;

/// <summary>Builders the LLM strategy tests share: options against a <see cref="FakeModelServer"/>, ticks, an inline (backtest-style) engine.</summary>
internal static class LlmStrategyRig
{
    public const long Second = 1_000_000_000;
    public const long Minute = 60 * Second;

    /// <summary>2025-01-06 14:30:00 UTC, ns (a Monday, a multiple of five minutes).</summary>
    public const long T0 = (1_736_121_600L * Second) + (14 * 60 * Minute) + (30 * Minute);

    public static LlmStrategyOptions Options(FakeModelServer server, string name = "llm_a", string model = "fake-model", string? prompt = null, TimeSpan? timeout = null) => new()
    {
        Endpoint = server.OpenAiBaseUrl,
        Provider = LlmProvider.OpenAiCompatible,
        AgentName = name,
        Model = model,
        SystemPrompt = prompt,
        Timeout = timeout ?? TimeSpan.FromSeconds(30),
        BarsInPrompt = 5,
    };

    /// <summary>A strategy asking <paramref name="server"/> through the real OpenAI-compatible client.</summary>
    public static LlmStrategy NewStrategy(FakeModelServer server, LlmSchedule schedule, string name = "llm_a", string model = "fake-model", string? prompt = null, Func<string>? riskLimits = null, TimeSpan? timeout = null, LlmCallMetrics? metrics = null)
    {
        LlmStrategyOptions options = Options(server, name, model, prompt, timeout);
        return new LlmStrategy(options, LlmChatClients.Create(options, metrics), schedule, riskLimits, metrics);
    }

    public static MarketTick Trade(int symbolId, long tsNs, decimal price, long size = 100) => new()
    {
        Kind = EventKind.TradeTick,
        SymbolId = symbolId,
        TsEventNs = tsNs,
        PriceRaw = FixedPoint.FromDecimal(price),
        Size = size,
    };

    /// <summary>An engine that is not started, fed with <see cref="Process"/> as a backtest feeds it (every strategy inline).</summary>
    public static TradingEngine InlineEngine(IReadOnlyList<string> symbols, params StrategyRegistration[] strategies) =>
        new(StrategyTestRig.Options(symbols, strategies), NullAuditWriter.Instance);

    /// <summary>One trade through the engine inline, on the calling thread.</summary>
    public static void Process(TradingEngine engine, ref long sequence, MarketTick tick)
    {
        var e = new EngineEvent { Kind = tick.Kind, SymbolId = tick.SymbolId, TsEventNs = tick.TsEventNs, PriceRaw = tick.PriceRaw, Size = tick.Size };
        engine.ProcessInline(ref e, sequence++);
    }

    /// <summary>The context JSON of a recorded request (the user message after <c>Context:</c>).</summary>
    public static JsonObject Context(ModelRequest request)
    {
        int at = request.MessagesText.IndexOf("Context:", StringComparison.Ordinal);
        Assert.True(at >= 0, "no context in the prompt");
        string rest = request.MessagesText[(at + "Context:".Length)..].TrimStart();
        using var reader = new StringReader(rest);
        return JsonNode.Parse(reader.ReadLine()!)!.AsObject();
    }

    /// <summary>A signals answer for the model to give.</summary>
    public static string Answer(params string[] items) => "{\"signals\":[" + string.Join(",", items) + "]}";
}
