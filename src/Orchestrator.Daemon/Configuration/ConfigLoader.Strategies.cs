using System.Reflection;
using System.Xml.Linq;
using Orchestrator.Strategies;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// <c>daemon.yaml</c> <c>strategies:</c> — in-process strategies loaded from assemblies. Each entry is
/// loaded and checked here, once, so <c>check-config</c> and <c>run</c> refuse a bad one with exit 2
/// before anything starts: the assembly (<c>assembly:</c> a .dll, or <c>project:</c> a .csproj whose
/// Release build is used — never built here), the class (an <see cref="IStrategy"/> with a public
/// parameterless constructor that does not throw), the symbols (engine symbols) and the parameters
/// (bound onto the strategy's options type, then its own validation). Every entry is loaded whether
/// enabled or not (a disabled one is still backtested); <c>run</c> starts the enabled ones.
/// </summary>
public static partial class ConfigLoader
{
    /// <summary>Longest strategy name (the engine's source names are bounded).</summary>
    public const int MaxStrategyNameLength = 64;

    /// <summary>Names that already mean something as a signal source or a backtest strategy.</summary>
    private static readonly string[] s_reservedStrategyNames = ["rules", "momentum", "rsi_reversion", "exits", "operator", "gateway", "recorded signals"];

    private static List<StrategyDefinition> ReadStrategies(YamlSection? s, string? directory, IReadOnlyList<string> engineSymbols)
    {
        if (s?.GetSectionList("strategies") is not { } items)
        {
            return [];
        }

        var definitions = new List<StrategyDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (YamlSection item in items)
        {
            if (ReadStrategy(item, directory, engineSymbols, names) is { } definition)
            {
                definitions.Add(definition);
            }
        }

        return definitions;
    }

    private static StrategyDefinition? ReadStrategy(YamlSection item, string? directory, IReadOnlyList<string> engineSymbols, HashSet<string> names)
    {
        string? name = item.GetString("name", required: true);
        if (name is not null && StrategyNameProblem(name, names) is { } nameProblem)
        {
            item.Error("name", nameProblem);
            name = null;
        }

        bool enabled = item.GetBool("enabled", true);
        string? assembly = item.GetString("assembly");
        string? project = item.GetString("project");
        string? className = item.GetString("class", required: true);
        IReadOnlyList<string> symbols = ReadStrategySymbols(item, engineSymbols);
        YamlSection? parameters = item.Section("parameters");
        item.ReportUnknownKeys();

        string? path = (assembly, project) switch
        {
            (null, null) => Problem(item, "assembly", "is required: the strategy's .dll (or project: its .csproj)"),
            ({ }, { }) => Problem(item, "project", "give assembly (a .dll) or project (a .csproj), not both"),
            ({ } dll, null) => ResolveAssembly(item, directory, dll),
            (null, { } csproj) => ResolveProject(item, directory, csproj),
        };
        if (path is null || className is null || LoadStrategyType(item, path, className) is not { } type)
        {
            return null;
        }

        if (ConstructStrategy(item, type) is not { } instance)
        {
            return null;
        }

        Func<IStrategy> create;
        StrategyParameterBinder? bound = null;
        if (instance is IConfigurableStrategy configurable)
        {
            if (StrategyParameterBinder.Bind(configurable.OptionsType, parameters) is not { } binder)
            {
                return null;
            }

            IReadOnlyList<string> problems = configurable.Configure(binder.Create());
            foreach (string problem in problems)
            {
                ReportOptionProblem(item, parameters, configurable.OptionsType, problem);
            }

            if (problems.Count > 0)
            {
                return null;
            }

            create = Creator(type, binder); // validated above: the same values
            bound = binder;
        }
        else
        {
            if (parameters is not null && parameters.Keys.Any())
            {
                item.Error("parameters", $"{type.FullName} takes no parameters (it does not derive from Strategy<TOptions>)");
                return null;
            }

            create = () => (IStrategy)Activator.CreateInstance(type)!;
        }

        if (name is null || symbols.Count == 0)
        {
            return null;
        }

        var definition = new StrategyDefinition(name, type.FullName!, path, symbols, enabled, instance.Threading, create);
        if (bound is not null && instance is IConfigurableStrategy options)
        {
            StrategyDefinition original = definition;
            definition = definition with
            {
                ParameterNames = [.. StrategyParameterBinder.ParameterNames(options.OptionsType)],
                WithParameters = changes => Retune(original, type, bound, changes),
            };
        }

        return definition;
    }

    /// <summary>A new, configured instance of <paramref name="type"/> each call.</summary>
    private static Func<IStrategy> Creator(Type type, StrategyParameterBinder binder) => () =>
    {
        var strategy = (IConfigurableStrategy)Activator.CreateInstance(type)!;
        strategy.Configure(binder.Create());
        return strategy;
    };

    /// <summary><paramref name="definition"/> with <paramref name="changes"/> bound over its file's parameters and validated by the strategy, or why not.</summary>
    private static (StrategyDefinition? Strategy, string? Problem) Retune(StrategyDefinition definition, Type type, StrategyParameterBinder binder, IReadOnlyList<KeyValuePair<string, string>> changes)
    {
        foreach ((string key, string text) in changes)
        {
            if (binder.With(key, text, out string? problem) is not { } changed)
            {
                return (null, $"{key}: {problem}");
            }

            binder = changed;
        }

        var probe = (IConfigurableStrategy)Activator.CreateInstance(type)!;
        IReadOnlyList<string> problems = probe.Configure(binder.Create());
        return problems.Count > 0 ? (null, string.Join("; ", problems)) : (definition with { Create = Creator(type, binder) }, null);
    }

    /// <summary>Why <paramref name="name"/> cannot name a strategy (and remembers it), or null.</summary>
    private static string? StrategyNameProblem(string name, HashSet<string> names)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxStrategyNameLength || name.Any(char.IsControl) || name != name.Trim())
        {
            return $"must be 1 to {MaxStrategyNameLength} characters without control characters or surrounding spaces, got '{name}'";
        }

        if (s_reservedStrategyNames.Contains(name, StringComparer.Ordinal))
        {
            return $"'{name}' is reserved (a built-in strategy or signal source: {string.Join(", ", s_reservedStrategyNames)})";
        }

        return names.Add(name) ? null : $"'{name}' is the name of an earlier strategy too; names are unique";
    }

    private static IReadOnlyList<string> ReadStrategySymbols(YamlSection item, IReadOnlyList<string> engineSymbols)
    {
        IReadOnlyList<string>? symbols = item.GetStringList("symbols");
        if (symbols is null)
        {
            item.Error("symbols", "is required: the engine symbols the strategy trades, e.g. [AAPL, MSFT]");
            return [];
        }

        if (symbols.Count == 0)
        {
            item.Error("symbols", "must name at least one symbol");
        }

        foreach (string duplicate in symbols.GroupBy(x => x, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            item.Error("symbols", $"'{duplicate}' is listed more than once");
        }

        foreach (string symbol in symbols.Where(x => !engineSymbols.Contains(x, StringComparer.Ordinal)))
        {
            item.Error("symbols", $"'{symbol}' is not an engine symbol ({AccountFile} watch_list: {string.Join(", ", engineSymbols)})");
        }

        return symbols;
    }

    private static string? Problem(YamlSection item, string key, string message)
    {
        item.Error(key, message);
        return null;
    }

    /// <summary>An assembly path relative to the configuration file's directory (or absolute), which must be a file.</summary>
    private static string? ResolveAssembly(YamlSection item, string? directory, string assembly)
    {
        string path = Path.GetFullPath(Path.Combine(directory ?? string.Empty, assembly));
        return File.Exists(path) ? path : Problem(item, "assembly", $"'{assembly}' does not exist ({path}; relative paths are from {DisplayDirectory(directory)})");
    }

    /// <summary>A project's Release build output for net10.0: <c>bin/Release/net10.0/&lt;AssemblyName&gt;.dll</c> beside the .csproj.</summary>
    private static string? ResolveProject(YamlSection item, string? directory, string project)
    {
        string csproj = Path.GetFullPath(Path.Combine(directory ?? string.Empty, project));
        if (!csproj.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(item, "project", $"must be a .csproj file, got '{project}'");
        }

        if (!File.Exists(csproj))
        {
            return Problem(item, "project", $"'{project}' does not exist ({csproj}; relative paths are from {DisplayDirectory(directory)})");
        }

        string? assemblyName;
        try
        {
            assemblyName = XDocument.Load(csproj).Descendants().FirstOrDefault(e => e.Name.LocalName == "AssemblyName")?.Value.Trim();
        }
        catch (Exception ex) when (ex is System.Xml.XmlException or IOException or UnauthorizedAccessException)
        {
            return Problem(item, "project", $"'{project}' cannot be read as a project file: {ConfigError.FirstLine(ex.Message)}");
        }

        if (string.IsNullOrEmpty(assemblyName) || assemblyName.Contains("$(", StringComparison.Ordinal))
        {
            assemblyName = Path.GetFileNameWithoutExtension(csproj);
        }

        string dll = Path.Combine(Path.GetDirectoryName(csproj)!, "bin", "Release", "net10.0", assemblyName + ".dll");
        return File.Exists(dll) ? dll : Problem(item, "project", $"is not built ({dll} does not exist); run: dotnet build {Path.GetRelativePath(Environment.CurrentDirectory, csproj)} -c Release");
    }

    private static string DisplayDirectory(string? directory) => Path.GetFullPath(directory ?? string.Empty);

    /// <summary>The strategy class from its assembly (loaded in its own <see cref="StrategyLoadContext"/>), or null with the reason.</summary>
    private static Type? LoadStrategyType(YamlSection item, string path, string className)
    {
        string key = item.Has("project") ? "project" : "assembly";
        Assembly assembly;
        try
        {
            assembly = StrategyLoadContext.Load(path);
        }
        catch (BadImageFormatException)
        {
            return Fail(key, $"{path} is not a .NET assembly");
        }
        catch (Exception ex) when (ex is FileLoadException or FileNotFoundException or IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            return Fail(key, $"{path} cannot be loaded: {ConfigError.FirstLine(ex.Message)}");
        }

        Type? type;
        try
        {
            type = assembly.GetType(className, throwOnError: false);
        }
        catch (Exception ex) when (ex is TypeLoadException or FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return Fail("class", $"'{className}' cannot be loaded from {Path.GetFileName(path)}: {ConfigError.FirstLine(ex.Message)}");
        }

        if (type is null)
        {
            IReadOnlyList<string> strategies = StrategyTypes(assembly);
            return Fail("class", $"'{className}' is not a type in {Path.GetFileName(path)} (the full name, namespace included; {(strategies.Count == 0 ? "it has no public strategy class" : "its strategies: " + string.Join(", ", strategies))})");
        }

        if (!typeof(IStrategy).IsAssignableFrom(type))
        {
            bool otherCopy = type.GetInterfaces().Any(i => i.FullName == typeof(IStrategy).FullName);
            return Fail("class", $"{className} does not implement {typeof(IStrategy).FullName}{(otherCopy ? " of the daemon's Orchestrator.Strategies.Abstractions (it implements another copy's)" : " (derive it from Strategy<TOptions>)")}");
        }

        if (type.IsAbstract || type.ContainsGenericParameters || !type.IsPublic)
        {
            return Fail("class", $"{className} must be a public, non-abstract, non-generic class");
        }

        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            return Fail("class", $"{className} has no public parameterless constructor (parameters come from the parameters: map through its options type)");
        }

        return type;

        Type? Fail(string failedKey, string message)
        {
            item.Error(failedKey, message);
            return null;
        }
    }

    private static IReadOnlyList<string> StrategyTypes(Assembly assembly)
    {
        try
        {
            return [.. assembly.GetExportedTypes().Where(t => typeof(IStrategy).IsAssignableFrom(t) && !t.IsAbstract).Select(t => t.FullName!).Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException)
        {
            return [];
        }
    }

    /// <summary>One instance, to read what it declares and to know its constructor works; null with the reason when it throws.</summary>
    private static IStrategy? ConstructStrategy(YamlSection item, Type type)
    {
        try
        {
            var instance = (IStrategy)Activator.CreateInstance(type)!;
            _ = instance.Threading;
            _ = instance.Timeframes;
            return instance;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is { } inner)
        {
            item.Error("class", $"{type.FullName}'s constructor threw {inner.GetType().Name}: {ConfigError.FirstLine(inner.Message)}");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            item.Error("class", $"{type.FullName} cannot be created: {ex.GetType().Name}: {ConfigError.FirstLine(ex.Message)}");
        }

        return null;
    }

    /// <summary>
    /// One problem the strategy's options found: under <c>parameters.NAME</c> when the message starts
    /// with a parameter's name (<c>"range_minutes: must be at least 1"</c>), else under <c>parameters</c>.
    /// </summary>
    private static void ReportOptionProblem(YamlSection item, YamlSection? parameters, Type optionsType, string problem)
    {
        int colon = problem.IndexOf(':', StringComparison.Ordinal);
        string named = colon > 0 ? StrategyParameterBinder.SnakeCase(problem[..colon].Trim()) : string.Empty;
        if (named.Length == 0 || !StrategyParameterBinder.ParameterNames(optionsType).Contains(named, StringComparer.Ordinal))
        {
            item.Error("parameters", problem);
        }
        else if (parameters is not null)
        {
            parameters.Error(named, problem[(colon + 1)..].Trim()); // at the value when the file gives it, else at parameters:
        }
        else
        {
            item.Error("parameters." + named, problem[(colon + 1)..].Trim() + " (the default; set it under parameters:)");
        }
    }

    /// <summary>For the start-up log: each strategy's name, type, assembly, path and symbols; whether it runs.</summary>
    internal static string DescribeStrategies(IReadOnlyList<StrategyDefinition> strategies) =>
        string.Join("; ", strategies.Select(d => d.Describe() + (d.Enabled ? string.Empty : " [disabled]")));
}
