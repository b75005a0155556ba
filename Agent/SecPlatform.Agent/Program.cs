using SecPlatform.Agent.Cli;
using SecPlatform.Agent.Hosting;

return await new AgentCommandLine(AgentRuntime.CreateDefault()).InvokeAsync(args, Console.Out, Console.Error);
