namespace Orchestrator.Strategies;

/// <summary>
/// A strategy whose parameters a loader can set without knowing its type at compile time
/// (<see cref="Strategy{TOptions}"/> implements it): create <see cref="OptionsType"/> with its
/// parameterless constructor, bind the parameters onto its properties, then call <see cref="Configure"/>.
/// </summary>
public interface IConfigurableStrategy : IStrategy
{
    /// <summary>The options class (public, parameterless constructor, settable properties).</summary>
    Type OptionsType { get; }

    /// <summary>
    /// Validates <paramref name="options"/> (<see cref="IStrategyOptions.Validate"/> when the type
    /// implements it) and, when there is no problem, makes them the strategy's options. Returns every
    /// problem, each naming its parameter; empty = applied. Call before the engine starts.
    /// </summary>
    IReadOnlyList<string> Configure(object options);
}
