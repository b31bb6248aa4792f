/**
 * Registers the @vscode/webview-ui-toolkit elements the dashboard uses, and only those (each
 * pulls its share of FAST into the bundle). The toolkit is deprecated upstream
 * (microsoft/vscode-webview-ui-toolkit#561): every use goes through this folder, so moving to
 * @vscode-elements/elements later touches nothing else.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

export function registerComponents(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
    vsCodeTextField(),
  );
}
