namespace Orchestrator.Agents.Strategy;

/// <summary>What <see cref="LlmSignalParser"/> made of a model's answer.</summary>
/// <param name="Signals">The items that passed every check.</param>
/// <param name="RefusedItems">One line per refused item: its index and why.</param>
/// <param name="DocumentError">Why the whole answer was refused (then there are no signals); null when it was read.</param>
/// <param name="DocumentErrorKind">The failure kind of <paramref name="DocumentError"/> (<see cref="StrategyFailureKinds"/>).</param>
internal sealed record LlmAnswer(IReadOnlyList<ProposedSignal> Signals, IReadOnlyList<string> RefusedItems, string? DocumentError, string? DocumentErrorKind);
