namespace Orchestrator.Strategies;

/// <summary>
/// Options of a strategy that can check themselves. The loader binds a strategy's parameters onto its
/// options type, then calls <see cref="Validate"/>: every message is one problem, naming the
/// parameter it is about (e.g. <c>"window: must be at least 2 (was 1)"</c>); none = valid.
/// </summary>
public interface IStrategyOptions
{
    /// <summary>Every problem with these options at once (empty = valid).</summary>
    IEnumerable<string> Validate();
}
