using Orchestrator.Agents.Agents;
using Orchestrator.Strategies;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// <c>config/agent_model.yaml</c>: one entry per LLM agent (issue 18). Every key is read and checked
/// here, every problem an error naming the file, the key path (<c>agents.claude_semis.on</c>) and the
/// reason; a key an entry cannot use is an error too, never silently ignored.
/// </summary>
public static partial class ConfigLoader
{
    private static readonly Dictionary<string, string> s_llmProviders = new(StringComparer.Ordinal)
    {
        [LlmProviders.Anthropic] = LlmProviders.Anthropic,
        [LlmProviders.OpenAi] = LlmProviders.OpenAi,
        [LlmProviders.OpenAiCompatible] = LlmProviders.OpenAiCompatible,
    };

    private static readonly Dictionary<string, string> s_llmRoles = new(StringComparer.Ordinal)
    {
        [LlmRoles.Strategy] = LlmRoles.Strategy,
        [LlmRoles.Orchestrator] = LlmRoles.Orchestrator,
    };

    private static readonly Dictionary<string, bool> s_responseFormats = new(StringComparer.Ordinal) { ["json"] = true, ["text"] = false };

    /// <summary>The bar lengths <c>on: bar_close(…)</c> accepts.</summary>
    private static readonly Dictionary<string, Timeframe> s_barCloseTimeframes = new(StringComparer.Ordinal)
    {
        ["1m"] = Timeframe.OneMinute,
        ["5m"] = Timeframe.FiveMinutes,
        ["15m"] = Timeframe.FifteenMinutes,
        ["1h"] = Timeframe.OneHour,
        ["1d"] = Timeframe.OneDay,
    };

    /// <summary>
    /// Reads every entry of <c>agents:</c>. <paramref name="engineSymbols"/> are the symbols an agent may
    /// trade (stored in the engine's spelling); <paramref name="credentials"/>' <c>llm.api_key</c> is the
    /// key of an agent without <c>api_key_env</c> (or whose variable is unset). Whether a provider that
    /// needs a key has one is checked by <see cref="CheckAgentKeys"/>, once it is known which agents run.
    /// </summary>
    private static Dictionary<string, AgentModel> ReadAgents(YamlSection? s, string? directory, IReadOnlyList<string> engineSymbols, CredentialsConfig credentials, Func<string, string?> environment)
    {
        var agents = new Dictionary<string, AgentModel>(StringComparer.Ordinal);
        if (s?.Section("agents") is not { } section)
        {
            s?.ReportUnknownKeys();
            return agents;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string? orchestrator = null;
        foreach (string name in section.Keys.ToList())
        {
            if (section.Section(name) is not { } a)
            {
                continue;
            }

            if (AgentModelNameProblem(name, names) is { } nameProblem)
            {
                section.Error(name, nameProblem);
            }

            AgentModel model = ReadAgentModel(a, name, directory, engineSymbols, credentials, environment);
            if (model.Role == LlmRoles.Orchestrator)
            {
                if (orchestrator is not null)
                {
                    a.Error("role", $"'{orchestrator}' is already the orchestrator; at most one agent may have role orchestrator");
                }

                orchestrator ??= name;
            }

            agents[name] = model;
            a.ReportUnknownKeys();
        }

        s.ReportUnknownKeys();
        return agents;
    }

    private static string? AgentModelNameProblem(string name, HashSet<string> names)
    {
        if (!AgentNameShape().IsMatch(name))
        {
            return $"the agent's name must be 1 to 64 letters, digits, '_', '-' or '.', got '{name}'";
        }

        if (!string.Equals(name, StrategyAgent.AgentName, StringComparison.Ordinal)
            && s_builtInAgents.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return $"'{name}' is a built-in agent's name (only {StrategyAgent.AgentName} takes a model here); give the LLM agent another";
        }

        if (s_reservedSources.Concat(s_reservedStrategyNames).Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return $"'{name}' is reserved (a source the engine, the gateway or MCP signs with, or a built-in strategy); give the LLM agent another";
        }

        return names.Add(name) ? null : $"'{name}' is declared twice (agent names are case-insensitive)";
    }

    private static AgentModel ReadAgentModel(YamlSection a, string name, string? directory, IReadOnlyList<string> engineSymbols, CredentialsConfig credentials, Func<string, string?> environment)
    {
        bool isStrategyAgent = string.Equals(name, StrategyAgent.AgentName, StringComparison.Ordinal);
        string provider = a.Has("provider") ? a.GetEnum("provider", string.Empty, s_llmProviders) : Required(a, "provider", string.Empty);
        string model = a.GetString("model") is { } m && m.Trim().Length > 0 ? m.Trim() : Required(a, "model", string.Empty);
        string? endpoint = ReadAgentEndpoint(a, provider);
        string role = a.Has("role") ? a.GetEnum("role", string.Empty, s_llmRoles) : LlmRoles.Strategy; // empty: unknown (an error)
        if (isStrategyAgent && role != LlmRoles.Strategy)
        {
            a.Error("role", $"{StrategyAgent.AgentName} is the built-in strategy agent; an orchestrator needs an entry of its own");
            role = LlmRoles.Strategy;
        }

        var result = new AgentModel(provider, model, endpoint,
            a.GetDecimal("temperature", 0.2m, 0, 2),
            a.GetDuration("timeout", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)))
        {
            Role = role.Length == 0 ? LlmRoles.Strategy : role,
            JsonResponseFormat = a.GetEnum("response_format", true, s_responseFormats),
            MaxTokens = a.Has("max_tokens") ? a.GetInt("max_tokens", 1024, 1, 1_000_000) : null,
            InputPricePerMillionTokens = a.Has("price_per_mtok_input") ? a.GetDecimal("price_per_mtok_input", 0, 0, 1_000_000) : null,
            OutputPricePerMillionTokens = a.Has("price_per_mtok_output") ? a.GetDecimal("price_per_mtok_output", 0, 0, 1_000_000) : null,
            ApiKeyEnv = a.GetString("api_key_env"),
        };

        result = ReadAgentPrompt(a, directory, result);
        result = ReadAgentKey(a, credentials, environment, result);
        if (role.Length == 0)
        {
            // An unknown role (already an error): which keys the entry needs is unknown too; they are not judged.
            foreach (string key in new[] { "symbols", "interval", "on", "bars_in_prompt", "max_signals", "max_steps", "max_task_tokens" })
            {
                _ = a.Has(key);
            }

            return result;
        }

        result = role == LlmRoles.Orchestrator
            ? ReadOrchestratorKeys(a, result)
            : ReadStrategyKeys(a, isStrategyAgent, engineSymbols, result);
        return result;
    }

    /// <summary>Records "is required" for <paramref name="key"/> and returns <paramref name="fallback"/>.</summary>
    private static string Required(YamlSection a, string key, string fallback)
    {
        a.Error(key, key == "provider" ? $"is required: one of {string.Join(", ", s_llmProviders.Keys)}" : "is required");
        return fallback;
    }

    private static string? ReadAgentEndpoint(YamlSection a, string provider)
    {
        string? endpoint = a.GetString("endpoint");
        if (endpoint is null)
        {
            if (provider == LlmProviders.OpenAiCompatible)
            {
                a.Error("endpoint", "is required for provider openai_compatible: the base URL of the server's API, e.g. http://127.0.0.1:11434/v1 (Ollama)");
            }

            return null;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
        {
            a.Error("endpoint", $"must be an absolute http or https URL (the model's API), got '{EndpointShown(endpoint)}'");
            return null;
        }

        if (uri.UserInfo.Length > 0)
        {
            a.Error("endpoint", "must not hold a user name or password (put the key in the environment variable named by api_key_env, or llm.api_key in " + CredentialsFile + ")");
            return null;
        }

        return endpoint;
    }

    /// <summary>An endpoint as it may appear in an error: without anything before an '@' (a password) or after a '?' (a key parameter).</summary>
    private static string EndpointShown(string endpoint)
    {
        int query = endpoint.IndexOf('?', StringComparison.Ordinal);
        string shown = query < 0 ? endpoint : endpoint[..query] + "?***";
        int at = shown.LastIndexOf('@');
        return at < 0 ? shown : "***" + shown[at..];
    }

    /// <summary><c>prompt_file</c>: relative to the configuration directory; its text becomes <see cref="AgentModel.Prompt"/>.</summary>
    private static AgentModel ReadAgentPrompt(YamlSection a, string? directory, AgentModel model)
    {
        if (a.GetString("prompt_file") is not { } file)
        {
            return model;
        }

        if (file.Trim().Length == 0)
        {
            a.Error("prompt_file", "must name a file (relative to the configuration directory)");
            return model;
        }

        string path = Path.GetFullPath(Path.Combine(directory ?? Directory.GetCurrentDirectory(), file));
        if (Directory.Exists(path))
        {
            a.Error("prompt_file", $"'{file}' is a directory; expected a text file with the agent's system prompt");
            return model;
        }

        if (!File.Exists(path))
        {
            a.Error("prompt_file", $"'{file}' does not exist ({path}); the path is relative to the configuration directory");
            return model;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            a.Error("prompt_file", $"'{file}' cannot be read: {ConfigError.FirstLine(ex.Message)}");
            return model;
        }

        if (text.Trim().Length == 0)
        {
            a.Error("prompt_file", $"'{file}' is empty; write the agent's system prompt in it, or remove the key for the built-in prompt");
            return model;
        }

        return model with { PromptFile = path, Prompt = text };
    }

    /// <summary>
    /// <c>api_key_env</c>: the variable's value is the key; unset or empty, the key is
    /// <c>llm.api_key</c> of the credentials (or ORCHESTRATOR_LLM_API_KEY). Neither value is ever shown.
    /// </summary>
    private static AgentModel ReadAgentKey(YamlSection a, CredentialsConfig credentials, Func<string, string?> environment, AgentModel model)
    {
        if (model.ApiKeyEnv is { } variable && !EnvironmentNameShape().IsMatch(variable))
        {
            // The value is not shown: a key pasted here by mistake must not reach the log.
            a.Error("api_key_env", "must be the name of an environment variable (letters, digits and '_', not starting with a digit) that holds the key, not the key itself");
            return model with { ApiKeyEnv = null, ApiKey = credentials.LlmApiKey };
        }

        if (model.ApiKeyEnv is { } name && environment(name) is { Length: > 0 } value)
        {
            return model with { ApiKey = new Secret(value, name) };
        }

        return model with { ApiKey = credentials.LlmApiKey };
    }

    private static AgentModel ReadOrchestratorKeys(YamlSection a, AgentModel model)
    {
        foreach (string key in new[] { "symbols", "interval", "on", "bars_in_prompt", "max_signals" })
        {
            if (a.Has(key))
            {
                a.Error(key, "applies to role strategy only; an orchestrator answers tasks (POST /api/orchestrator/ask, MCP ask_orchestrator)");
            }
        }

        return model with
        {
            MaxSteps = a.GetInt("max_steps", model.MaxSteps, 1, 100),
            MaxTaskTokens = a.GetInt("max_task_tokens", model.MaxTaskTokens, 100, 10_000_000),
        };
    }

    private static AgentModel ReadStrategyKeys(YamlSection a, bool isStrategyAgent, IReadOnlyList<string> engineSymbols, AgentModel model)
    {
        foreach (string key in new[] { "max_steps", "max_task_tokens" })
        {
            if (a.Has(key))
            {
                a.Error(key, "applies to role orchestrator only");
            }
        }

        model = model with
        {
            BarsInPrompt = a.GetInt("bars_in_prompt", model.BarsInPrompt, 1, 500),
            MaxSignals = a.GetInt("max_signals", model.MaxSignals, 1, 100),
        };
        if (isStrategyAgent)
        {
            foreach (string key in new[] { "symbols", "interval", "on" })
            {
                if (a.Has(key))
                {
                    a.Error(key, key == "symbols"
                        ? $"{StrategyAgent.AgentName} proposes for the symbols it is asked about (every engine symbol by default); symbols is for LLM agents of their own"
                        : $"{StrategyAgent.AgentName} runs on {DaemonFile} agents.strategy_agent.interval (or when asked); interval and on are for LLM agents of their own");
                }
            }

            return model;
        }

        model = model with { Symbols = ReadAgentSymbols(a, engineSymbols) };
        return ReadAgentSchedule(a, model);
    }

    /// <summary><c>symbols</c>: at least one, each an engine symbol (any case; stored as the engine spells it), none twice.</summary>
    private static List<string> ReadAgentSymbols(YamlSection a, IReadOnlyList<string> engineSymbols)
    {
        var symbols = new List<string>();
        if (a.GetStringList("symbols") is not { } listed)
        {
            if (!a.Has("symbols"))
            {
                a.Error("symbols", $"is required for role strategy: the engine symbols the agent trades, e.g. [{string.Join(", ", engineSymbols.Take(2))}]");
            }

            return symbols;
        }

        if (listed.Count == 0)
        {
            a.Error("symbols", "must name at least one symbol");
        }

        foreach (string symbol in listed)
        {
            string? engineSymbol = engineSymbols.FirstOrDefault(e => string.Equals(e, symbol, StringComparison.OrdinalIgnoreCase));
            if (engineSymbol is null)
            {
                a.Error("symbols", $"'{symbol}' is not an engine symbol ({AccountFile} watch_list: {string.Join(", ", engineSymbols)})");
            }
            else if (symbols.Contains(engineSymbol, StringComparer.Ordinal))
            {
                a.Error("symbols", $"'{symbol}' is listed more than once");
            }
            else
            {
                symbols.Add(engineSymbol);
            }
        }

        return symbols;
    }

    /// <summary>
    /// <c>interval</c> XOR <c>on: bar_close(5m)</c>, both in event time; the model's <c>timeout</c> may not be
    /// longer than the time between two runs.
    /// </summary>
    private static AgentModel ReadAgentSchedule(YamlSection a, AgentModel model)
    {
        bool hasInterval = a.Has("interval");
        bool hasOn = a.Has("on");
        if (hasInterval && hasOn)
        {
            a.Error("on", "and interval are both set; an LLM strategy runs either every interval or when a bar closes, not both");
            return model;
        }

        if (!hasInterval && !hasOn)
        {
            a.Error("interval", "or on is required for role strategy: e.g. interval: 5m, or on: bar_close(5m)");
            return model;
        }

        TimeSpan period;
        if (hasInterval)
        {
            TimeSpan interval = a.GetDuration("interval", TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
            if (interval == TimeSpan.Zero)
            {
                return model;
            }

            model = model with { Interval = interval };
            period = interval;
        }
        else
        {
            if (ParseBarClose(a.GetString("on")) is not { } timeframe)
            {
                a.Error("on", $"must be bar_close(<length>) with length one of {string.Join(", ", s_barCloseTimeframes.Keys)}, got '{a.GetString("on")}'");
                return model;
            }

            model = model with { OnBarClose = timeframe };
            period = TimeSpan.FromTicks(timeframe.DurationNs / TimeSpan.NanosecondsPerTick);
        }

        if (model.Timeout > period)
        {
            a.Error("timeout", $"({model.Timeout}) is longer than the time between two runs ({period}, {(hasInterval ? "interval" : "on")}); a call would still be waiting when the next run is due");
        }

        return model;
    }

    /// <summary><c>bar_close(5m)</c> (spaces allowed around the parts, any case) → the bar length; null when malformed.</summary>
    private static Timeframe? ParseBarClose(string? text)
    {
        string t = (text ?? string.Empty).Trim();
        const string Prefix = "bar_close(";
        if (!t.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || !t.EndsWith(')'))
        {
            return null;
        }

        string length = t[Prefix.Length..^1].Trim().ToLowerInvariant();
        return s_barCloseTimeframes.TryGetValue(length, out Timeframe timeframe) ? timeframe : null;
    }

    /// <summary>
    /// Every agent that will run and whose provider needs a key (anthropic, openai) has one. strategy_agent
    /// runs only when daemon.yaml sets <c>agents.strategy_agent.mode: llm</c>; every other entry always
    /// runs. openai_compatible servers (Ollama, llama.cpp, vLLM) often need none, so they may go without.
    /// </summary>
    private static void CheckAgentKeys(string? directory, IReadOnlyDictionary<string, AgentModel> agents, AgentSettings settings, List<ConfigError> errors)
    {
        foreach ((string name, AgentModel model) in agents)
        {
            bool runs = name != StrategyAgent.AgentName || settings is { Enabled: true, StrategyMode: "llm" };
            bool badVariable = errors.Any(e => e.KeyPath == $"agents.{name}.api_key_env"); // already named
            if (!runs || badVariable || model.Provider is not (LlmProviders.Anthropic or LlmProviders.OpenAi) || model.ApiKey is { IsEmpty: false })
            {
                continue;
            }

            string where = model.ApiKeyEnv is { } variable ? $"the environment variable {variable} (api_key_env) or " : "api_key_env (an environment variable's name), or ";
            errors.Add(new ConfigError(DisplayPath(directory, AgentModelFile), model.ApiKeyEnv is null ? $"agents.{name}.provider" : $"agents.{name}.api_key_env",
                $"{model.Provider} needs an API key and none is set: give it in {where}llm.api_key in {CredentialsFile}, or {CredentialEnvironmentVariables["llm.api_key"]}"));
        }
    }

    /// <summary>
    /// An LLM agent's name is the source its signals carry: it may not also be a supervised process's
    /// (<c>agents.processes</c>) in any case (a daemon.yaml strategy's is checked by <see cref="LlmAgentDefinitions"/>).
    /// strategy_agent's model runs under the built-in agent and is not checked.
    /// </summary>
    private static void CheckAgentNamesAgainstProcesses(string? directory, IReadOnlyDictionary<string, AgentModel> agents,
        IReadOnlyList<Orchestrator.Agents.Supervision.AgentProcessOptions> processes, List<ConfigError> errors)
    {
        foreach (string name in agents.Keys.Where(n => n != StrategyAgent.AgentName))
        {
            if (processes.Any(x => string.Equals(x.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(new ConfigError(DisplayPath(directory, AgentModelFile), "agents." + name, $"'{name}' is also a supervised agent's (daemon.yaml agents.processes) name; an LLM agent needs a name of its own (agent names are case-insensitive)"));
            }
        }
    }

    /// <summary>strategy_agent in llm mode on a schedule: its model's timeout may not be longer than daemon.yaml's interval.</summary>
    private static void CheckStrategyAgentTimeout(string? directory, IReadOnlyDictionary<string, AgentModel> agents, AgentSettings settings, List<ConfigError> errors)
    {
        if (settings is { Enabled: true, StrategyMode: "llm" } && settings.StrategyInterval > TimeSpan.Zero
            && agents.GetValueOrDefault(StrategyAgent.AgentName) is { } model && model.Timeout > settings.StrategyInterval)
        {
            errors.Add(new ConfigError(DisplayPath(directory, AgentModelFile), "agents.strategy_agent.timeout",
                $"({model.Timeout}) is longer than {DaemonFile} agents.strategy_agent.interval ({settings.StrategyInterval}); a call would still be waiting when the next run is due"));
        }
    }
}
