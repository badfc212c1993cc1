import type { PropsWithChildren } from 'react';
import '@nutui/nutui-react-taro/dist/style.css';
import '@nutui/icons-react-taro/dist/style_icon.css';
import './app.scss';
import { registerServiceWorker } from './member/pwa';

registerServiceWorker();

function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
