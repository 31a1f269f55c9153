namespace Orchestrator.Strategies;

/// <summary>
/// One strategy the engine runs (<c>EngineOptions.Strategies</c>): its name (the source its signals,
/// orders and fills are attributed to), the instance, and the symbols it trades (it sees their market
/// data; it may only submit for them). The same instance runs in a live engine or a backtest.
/// </summary>
/// <param name="Name">Unique among the engine's strategies; at most 64 characters, no control characters.</param>
/// <param name="Instance">The strategy; one engine at a time.</param>
/// <param name="Symbols">At least one; each must be one of the engine's symbols.</param>
public sealed record StrategyRegistration(string Name, IStrategy Instance, IReadOnlyList<string> Symbols);
