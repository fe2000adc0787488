"""Tools for the ReAct agent (installed as ``ragagent.tools``)."""
