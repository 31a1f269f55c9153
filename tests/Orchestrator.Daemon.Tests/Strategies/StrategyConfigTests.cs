using System.Runtime.Loader;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Ring;
using Orchestrator.Strategies;

namespace Orchestrator.Daemon.Tests.Strategies;

/// <summary>Real strategy assemblies on disk, compiled once for the class: a helper and the strategies that use it.</summary>
public sealed class CompiledStrategies : IDisposable
{
    public CompiledStrategies()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("orc-strategies-").FullName;
        string build = Path.Combine(Directory, "build");
        string helper = StrategyCompiler.Compile(build, "Test.Helper", TestStrategySources.Helper);
        AssemblyPath = StrategyCompiler.Compile(build, "Test.Strategies", TestStrategySources.Strategies, helper);
    }

    /// <summary>The temporary directory everything lives under.</summary>
    public string Directory { get; }

    /// <summary>Test.Strategies.dll (Test.Helper.dll and copies of the API beside it).</summary>
    public string AssemblyPath { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>daemon.yaml <c>strategies:</c> loaded from real assemblies: binding, isolation, and every way an entry can be wrong.</summary>
public sealed class StrategyConfigTests(CompiledStrategies compiled) : IClassFixture<CompiledStrategies>, IDisposable
{
    private static readonly Func<string, string?> s_noEnvironment = _ => null;
    private readonly string _config = Directory.CreateTempSubdirectory("orc-strategy-config-").FullName;

    public void Dispose() => Directory.Delete(_config, recursive: true);

    private (DaemonConfig? Config, IReadOnlyList<ConfigError> Errors) Load(string strategiesYaml)
    {
        File.WriteAllText(Path.Combine(_config, ConfigLoader.AccountFile), "watch_list: [AAPL, MSFT]\n");
        File.WriteAllText(Path.Combine(_config, ConfigLoader.DaemonFile), "strategies:\n" + strategiesYaml);
        return ConfigLoader.Load(_config, s_noEnvironment);
    }

    private string Entry(string name, string cls, string extra = "") =>
        $"  - name: {name}\n    assembly: {compiled.AssemblyPath}\n    class: {cls}\n    symbols: [AAPL]\n{extra}";

    private static object Options(IStrategy strategy) => strategy.GetType().GetProperty("Options")!.GetValue(strategy)!;

    private static object? Get(object options, string property) => options.GetType().GetProperty(property)!.GetValue(options);

    [Fact]
    public void Parameters_AreBoundOntoTheOptionsType_ByTheirSnakeCaseNames_AndConverted()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(Entry("buyer", "Test.Strategies.Buyer", """
                parameters:
                  quantity: 25
                  threshold: 0.75
                  range_minutes: 30
                  cooldown: 2m
                  aggressive: yes
                  weight: 1.5
                  mode: very_loud
                  bar: 5m
                  tags: [opening, breakout]
                  levels: [1, 2, 3]
                  cap: 1000.5
                  note: hello
            """));

        Assert.Empty(errors);
        StrategyDefinition definition = Assert.Single(config!.Strategies);
        Assert.Equal(("buyer", "Test.Strategies.Buyer", true, StrategyThreading.FastPath), (definition.Name, definition.TypeName, definition.Enabled, definition.Threading));
        Assert.Equal(["AAPL"], definition.Symbols);
        object options = Options(definition.Create());
        Assert.Equal(25L, Get(options, "Quantity"));
        Assert.Equal(0.75m, Get(options, "Threshold"));
        Assert.Equal(30, Get(options, "RangeMinutes"));
        Assert.Equal(TimeSpan.FromMinutes(2), Get(options, "Cooldown"));
        Assert.Equal(true, Get(options, "Aggressive"));
        Assert.Equal(1.5, Get(options, "Weight"));
        Assert.Equal("VeryLoud", Get(options, "Mode")!.ToString());
        Assert.Equal(Timeframe.FiveMinutes, Get(options, "Bar"));
        Assert.Equal(["opening", "breakout"], (IEnumerable<string>)Get(options, "Tags")!);
        Assert.Equal([1, 2, 3], (int[])Get(options, "Levels")!);
        Assert.Equal(1000.5m, Get(options, "Cap"));
        Assert.Equal("hello", Get(options, "Note"));
    }

    [Fact]
    public void EachEngine_GetsItsOwnInstance_OfTheHostsIStrategy_FromTheStrategysOwnLoadContext()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(Entry("buyer", "Test.Strategies.Buyer") + Entry("slow", "Test.Strategies.SlowOne", "    enabled: false\n"));
        Assert.Empty(errors);

        StrategyDefinition buyer = config!.Strategies[0];
        IStrategy first = buyer.Create();
        IStrategy second = buyer.Create();
        Assert.NotSame(first, second);
        Assert.IsAssignableFrom<IStrategy>(first); // the daemon's IStrategy: the copy beside the strategy was not loaded
        AssemblyLoadContext context = AssemblyLoadContext.GetLoadContext(first.GetType().Assembly)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.Contains(typeof(IStrategy), first.GetType().GetInterfaces());
        Assert.DoesNotContain(context.Assemblies, a => a.GetName().Name is "Orchestrator.Strategies.Abstractions" or "Orchestrator.Core");
        Assert.Same(context, AssemblyLoadContext.GetLoadContext(config.Strategies[1].Create().GetType().Assembly)); // one context per assembly file

        // run starts the enabled ones only, each a new instance.
        SessionOptions session = DaemonCli.BuildOptions(config, 1, 0, WaitStrategyKind.Blocking);
        StrategyRegistration registration = Assert.Single(session.Engine.Strategies);
        Assert.Equal("buyer", registration.Name);
        Assert.Equal(StrategyThreading.SlowPath, config.Strategies[1].Threading);
        Assert.False(config.Strategies[1].Enabled);
    }

    [Fact]
    public void TheStatus_ListsTheStrategiesTheSessionRuns()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(Entry("buyer", "Test.Strategies.Buyer") + Entry("slow", "Test.Strategies.SlowOne", "    enabled: false\n"));
        Assert.Empty(errors);
        using var session = new TradingSession(DaemonCli.BuildOptions(config!, 5, 500, WaitStrategyKind.Blocking), Orchestrator.Engine.Audit.NullAuditWriter.Instance);
        session.Start("test");
        try
        {
            Control.SessionStatus status = Control.TradingQueries.Status(session);
            Control.StrategyStatus running = Assert.Single(status.Strategies);
            Assert.Equal(("buyer", "fast_path"), (running.Name, running.Threading));
            Assert.Equal(["AAPL"], running.Symbols);
        }
        finally
        {
            session.Stop();
        }
    }

    [Fact]
    public void APrivateDependency_ResolvesFromTheStrategysFolder()
    {
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(Entry("helped", "Test.Strategies.WithHelper"));
        Assert.Empty(errors);
        IStrategy strategy = config!.Strategies[0].Create();
        Assert.Equal("from the strategy's own folder", strategy.GetType().GetProperty("Text")!.GetValue(strategy));
    }

    [Fact]
    public void ARelativeAssemblyPath_IsFromTheConfigurationDirectory()
    {
        string relative = Path.GetRelativePath(_config, compiled.AssemblyPath);
        Assert.StartsWith("..", relative, StringComparison.Ordinal);
        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load($"  - {{ name: buyer, assembly: {relative}, class: Test.Strategies.Buyer, symbols: [MSFT] }}\n");
        Assert.Empty(errors);
        Assert.Equal(compiled.AssemblyPath, config!.Strategies[0].AssemblyPath);
    }

    [Fact]
    public void AProject_ResolvesToItsReleaseBuildOutput_AndUnbuilt_SaysTheBuildCommand()
    {
        string project = Path.Combine(compiled.Directory, "proj");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "MyStrategies.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><AssemblyName>Test.Strategies</AssemblyName></PropertyGroup></Project>");
        string entry = $"  - {{ name: buyer, project: {Path.Combine(project, "MyStrategies.csproj")}, class: Test.Strategies.Buyer, symbols: [AAPL] }}\n";

        (_, IReadOnlyList<ConfigError> unbuilt) = Load(entry);
        ConfigError error = Assert.Single(unbuilt);
        Assert.Equal("strategies[0].project", error.KeyPath);
        Assert.Contains($"is not built ({Path.Combine(project, "bin", "Release", "net10.0", "Test.Strategies.dll")} does not exist); run: dotnet build ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("MyStrategies.csproj -c Release", error.Message, StringComparison.Ordinal);

        string output = Path.Combine(project, "bin", "Release", "net10.0");
        Directory.CreateDirectory(output);
        foreach (string file in Directory.GetFiles(Path.GetDirectoryName(compiled.AssemblyPath)!))
        {
            File.Copy(file, Path.Combine(output, Path.GetFileName(file)));
        }

        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(entry);
        Assert.Empty(errors);
        Assert.Equal(Path.Combine(output, "Test.Strategies.dll"), config!.Strategies[0].AssemblyPath);
    }

    public static TheoryData<string, string, string> BadEntries => new()
    {
        { "assembly: nope/missing.dll", "strategies[1].assembly", "'nope/missing.dll' does not exist" },
        { "assembly: notes.txt", "strategies[1].assembly", "is not a .NET assembly" },
        { "class: Test.Strategies.Nope", "strategies[1].class", "'Test.Strategies.Nope' is not a type in Test.Strategies.dll (the full name, namespace included; its strategies: Test.Strategies.Buyer, Test.Strategies.NeedsArguments, Test.Strategies.NoOptions, Test.Strategies.SlowOne, Test.Strategies.Throwing, Test.Strategies.WithHelper)" },
        { "class: Test.Strategies.NotAStrategy", "strategies[1].class", "Test.Strategies.NotAStrategy does not implement Orchestrator.Strategies.IStrategy" },
        { "class: Test.Strategies.NeedsArguments", "strategies[1].class", "Test.Strategies.NeedsArguments has no public parameterless constructor" },
        { "class: Test.Strategies.Unfinished", "strategies[1].class", "must be a public, non-abstract, non-generic class" },
        { "class: Test.Strategies.Throwing", "strategies[1].class", "Test.Strategies.Throwing's constructor threw InvalidOperationException: the model file is missing" },
        { "parameters: { range_minutes: ten }", "strategies[1].parameters.range_minutes", "must be a whole number (Int32), got 'ten'" },
        { "parameters: { rang_minutes: 5 }", "strategies[1].parameters.rang_minutes", "is not a parameter of BuyerOptions (its parameters: aggressive, bar, cap, cooldown, levels, mode, note, quantity, range_minutes, tags, threshold, weight)" },
        { "parameters: { cooldown: soon }", "strategies[1].parameters.cooldown", "must be a duration such as 30s, 500ms, 5m or 1h, got 'soon'" },
        { "parameters: { mode: shouting }", "strategies[1].parameters.mode", "must be one of quiet, very_loud, got 'shouting'" },
        { "parameters: { levels: [1, x] }", "strategies[1].parameters.levels", "item 1 must be a whole number (Int32), got 'x'" },
        { "parameters: { tags: opening }", "strategies[1].parameters.tags", "must be a list" },
        { "parameters: { quantity: 0 }", "strategies[1].parameters.quantity", "must be at least 1 (was 0)" },
        { "parameters: { range_minutes: 400 }", "strategies[1].parameters.range_minutes", "at most a session (390), got 400" },
        { "parameters: { aggressive: true, weight: 3 }", "strategies[1].parameters", "aggressive with a weight above 2 is too much" },
        { "symbols: [AAPL, TSLA]", "strategies[1].symbols", "'TSLA' is not an engine symbol (myStockInfo.yaml watch_list: AAPL, MSFT)" },
        { "name: first", "strategies[1].name", "'first' is the name of an earlier strategy too; names are unique" },
        { "name: rules", "strategies[1].name", "'rules' is reserved" },
        { "project: x.csproj", "strategies[1].project", "give assembly (a .dll) or project (a .csproj), not both" },
        { "colour: red", "strategies[1].colour", "is not a known key" },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public void ABadEntry_IsAConfigError_NamingTheFileTheKeyAndTheReason(string change, string key, string reason)
    {
        File.WriteAllText(Path.Combine(_config, "notes.txt"), "not an assembly\n");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["name"] = "second",
            ["assembly"] = compiled.AssemblyPath,
            ["class"] = "Test.Strategies.Buyer",
            ["symbols"] = "[AAPL]",
        };
        string changedKey = change[..change.IndexOf(':', StringComparison.Ordinal)];
        fields[changedKey] = change[(changedKey.Length + 1)..].Trim();
        string second = "  - " + string.Join("\n    ", fields.Select(f => f.Key + ": " + f.Value)) + "\n";

        (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = Load(Entry("first", "Test.Strategies.Buyer") + second);

        Assert.Null(config);
        ConfigError error = Assert.Single(errors);
        Assert.Equal(Path.Combine(_config, ConfigLoader.DaemonFile), error.File);
        Assert.Equal(key, error.KeyPath);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{Path.Combine(_config, ConfigLoader.DaemonFile)}:{error.Line}:{error.Column}: {key}: ", error.ToString(), StringComparison.Ordinal);
        Assert.True(error.Line > 4, "the line of the second entry: " + error);
    }

    [Fact]
    public void MissingRequiredKeys_AreEachNamed()
    {
        (_, IReadOnlyList<ConfigError> errors) = Load("  - { enabled: true }\n");
        Assert.Contains(errors, e => e.KeyPath == "strategies[0].name" && e.Message == "is required");
        Assert.Contains(errors, e => e.KeyPath == "strategies[0].class" && e.Message == "is required");
        Assert.Contains(errors, e => e.KeyPath == "strategies[0].symbols" && e.Message.StartsWith("is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.KeyPath == "strategies[0].assembly" && e.Message.StartsWith("is required", StringComparison.Ordinal));
    }

    [Fact]
    public void ASupervisedAgent_NamedLikeAStrategy_IsRefused_ItsHelloWouldBe()
    {
        (_, IReadOnlyList<ConfigError> errors) = Load(Entry("plain", "Test.Strategies.NoOptions") + "agents:\n  processes:\n    - { name: plain, command: sh }\n");
        ConfigError error = Assert.Single(errors);
        Assert.Equal("agents.processes", error.KeyPath);
        Assert.Equal("'plain' is also an in-process strategy's name (strategies:); a supervised agent needs a name of its own", error.Message);
        Assert.EndsWith(ConfigLoader.DaemonFile, error.File, StringComparison.Ordinal);
    }

    [Fact]
    public void AStrategyWithoutAnOptionsType_TakesNoParameters()
    {
        Assert.Empty(Load(Entry("plain", "Test.Strategies.NoOptions")).Errors);
        ConfigError error = Assert.Single(Load(Entry("plain", "Test.Strategies.NoOptions", "    parameters: { quantity: 5 }\n")).Errors);
        Assert.Equal("strategies[0].parameters", error.KeyPath);
        Assert.Equal("Test.Strategies.NoOptions takes no parameters (it does not derive from Strategy<TOptions>)", error.Message);
    }

    [Fact]
    public void CheckConfigAndRun_RefuseABadStrategy_WithExitCode2_AndTheLineSaysWhy()
    {
        string work = Path.GetDirectoryName(_config)!;
        Load(Entry("broken", "Test.Strategies.Throwing"));
        string expected = $"{Path.Combine(_config, ConfigLoader.DaemonFile)}:4:12: strategies[0].class: Test.Strategies.Throwing's constructor threw InvalidOperationException: the model file is missing";

        (int checkExit, string checkOutput) = DaemonProcessTests.Run(work, "check-config", "--config", _config);
        Assert.Equal(2, checkExit);
        Assert.Contains(expected, checkOutput, StringComparison.Ordinal);

        (int runExit, string runOutput) = DaemonProcessTests.Run(work, "run", "--config", _config, "--duration", "5s", "--headless", "--log-dir", Path.Combine(_config, "logs"));
        Assert.Equal(2, runExit);
        Assert.Contains(expected, runOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Step 3/6", runOutput, StringComparison.Ordinal);
    }
}
